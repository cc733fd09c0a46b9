import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AlertsModule } from './alerts/alerts.module';
import { AuthThrottle } from './common/auth-throttle';
import { EdgeHooks } from './common/edge-hooks';
import { EnvelopeFilter } from './common/envelope.filter';
import { REDIS_RESILIENCE, RedisModule } from './common/redis.module';
import { RouteIndex } from './common/route-index';
import { ConfigModule } from './config/config.module';
import { Env } from './config/env';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HeartbeatModule } from './heartbeat/heartbeat.module';
import { InfoModule } from './info/info.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { PersistenceModule } from './persistence/persistence.module';
import { PingsModule } from './pings/pings.module';

@Module({})
export class AppModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        DatabaseModule,
        RedisModule,
        BullModule.forRoot({
          connection: { url: env.redisUrl, retryStrategy: REDIS_RESILIENCE.retryStrategy },
          prefix: env.redisPrefix,
        }),
        PersistenceModule,
        AlertsModule,
        HeartbeatModule,
        EventsModule,
        PingsModule,
        InfoModule,
        MaintenanceModule,
      ],
      providers: [
        AuthThrottle,
        EdgeHooks,
        { provide: RouteIndex, useValue: new RouteIndex() },
        { provide: APP_FILTER, useClass: EnvelopeFilter },
      ],
    };
  }
}
