import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AgentsGatewayModule } from './agents/agents-gateway.module';
import { AgentsModule } from './agents/agents.module';
import { AlertsModule, AlertsWorkerModule } from './alerts/alerts.module';
import { AuthThrottleModule } from './common/auth-throttle';
import { ClockModule } from './common/clock';
import { ConsoleSessionsModule } from './common/console-session';
import { MetricsCoreModule } from './common/metrics';
import { EdgeHooks } from './common/edge-hooks';
import { EnvelopeFilter } from './common/envelope.filter';
import { queueRoot } from './common/queue-connections';
import { RedisModule } from './common/redis.module';
import { RouteIndex } from './common/route-index';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { Env } from './config/env';
import { DatabaseModule } from './database/database.module';
import { EmbeddedCollectorWorkerModule } from './embedded/embedded-collector.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { HeartbeatModule, HeartbeatWorkerModule } from './heartbeat/heartbeat.module';
import { HostsModule, HostsWorkerModule } from './hosts/hosts.module';
import { InfoModule } from './info/info.module';
import { IngestModule } from './ingest/ingest.module';
import { MetricsModule } from './metrics/metrics.module';
import { MaintenanceModule, MaintenanceWorkerModule } from './maintenance/maintenance.module';
import { PersistenceModule, PersistenceWorkerModule } from './persistence/persistence.module';
import { PingsModule, PingsWorkerModule } from './pings/pings.module';

/**
 * What a `worker` process adds (ROLE=worker or all): every queue processor, the sweeper and the schedulers.
 * An `api` process serves HTTP and only enqueues.
 */
const WORKER_MODULES = [
  PersistenceWorkerModule,
  AlertsWorkerModule,
  HeartbeatWorkerModule,
  PingsWorkerModule,
  MaintenanceWorkerModule,
  HostsWorkerModule,
  EmbeddedCollectorWorkerModule,
];

@Module({})
export class AppModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        ClockModule,
        AuthThrottleModule,
        ConsoleSessionsModule,
        MetricsCoreModule,
        DatabaseModule,
        RedisModule,
        // queues fail fast while Redis is away, their workers wait it out (queue-connections.ts)
        queueRoot(env),
        PersistenceModule,
        AlertsModule,
        HeartbeatModule,
        EventsModule,
        PingsModule,
        InfoModule,
        MaintenanceModule,
        AgentsModule,
        AgentsGatewayModule,
        IngestModule,
        HostsModule,
        HealthModule,
        // a worker serves no HTTP, so it relays no live updates
        ...(env.role === 'worker' ? [] : [ConsoleModule, MetricsModule]),
        ...(env.role === 'api' ? [] : WORKER_MODULES),
      ],
      providers: [
        EdgeHooks,
        { provide: RouteIndex, useValue: new RouteIndex() },
        { provide: APP_FILTER, useClass: EnvelopeFilter },
      ],
    };
  }
}
