import { Module } from '@nestjs/common';
import { AgentCommands } from './agents.commands';
import { AgentsController } from './agents.controller';
import { AgentsRegistry } from './agents.registry';
import { AgentsService } from './agents.service';

/** Enrollment, key checks, the connection registry and the commands that reach an agent on any process. */
@Module({
  controllers: [AgentsController],
  providers: [AgentsService, AgentsRegistry, AgentCommands],
  exports: [AgentsService, AgentsRegistry, AgentCommands],
})
export class AgentsModule {}
