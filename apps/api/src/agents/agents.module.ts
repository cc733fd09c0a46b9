import { Module } from '@nestjs/common';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { AgentPresence } from './agent-presence';
import { AgentCommands } from './agents.commands';
import { AgentsController } from './agents.controller';
import { AgentsRegistry } from './agents.registry';
import { AgentsService } from './agents.service';

/**
 * Enrollment, key checks, the connection registry, the commands that reach an agent on any process, and the
 * agents' presence services.
 */
@Module({
  imports: [HeartbeatModule],
  controllers: [AgentsController],
  providers: [AgentsService, AgentsRegistry, AgentCommands, AgentPresence],
  exports: [AgentsService, AgentsRegistry, AgentCommands, AgentPresence],
})
export class AgentsModule {}
