import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { HostsModule } from '../hosts/hosts.module';
import { IngestModule } from '../ingest/ingest.module';
import { AgentsGateway } from './agents.gateway';
import { AgentsModule } from './agents.module';

/**
 * The WebSocket gateway at /api/v1/agents/ws. A module (and file) of its own because it needs IngestService,
 * whose module imports AgentsModule for key checks.
 */
@Module({
  imports: [AgentsModule, IngestModule, HeartbeatModule, EventsModule, HostsModule],
  providers: [AgentsGateway],
})
export class AgentsGatewayModule {}
