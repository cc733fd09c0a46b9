import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ADMIN } from '../common/edge-hooks';
import { AgentCommands } from './agents.commands';
import {
  AgentIdPipe,
  AgentView,
  CommandReply,
  EnrollInput,
  EnrollPipe,
  EnrollReply,
  SettingsInput,
  SettingsPipe,
} from './agents.dto';
import { AgentsService } from './agents.service';

// Enrollment behind the admin password (agent-protocol.md §1). Success is 200, as on every route.
@Controller()
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly commands: AgentCommands,
  ) {}

  @Post('api/v1/agents')
  @HttpCode(200)
  @RouteConfig(ADMIN)
  async enroll(@Body(EnrollPipe) input: EnrollInput): Promise<EnrollReply> {
    return this.agents.enroll(input);
  }

  @Get('api/v1/agents')
  @RouteConfig(ADMIN)
  async list(): Promise<{ agents: AgentView[] }> {
    return { agents: await this.agents.list() };
  }

  @Delete('api/v1/agents/:id')
  @RouteConfig(ADMIN)
  async revoke(@Param('id', AgentIdPipe) id: string): Promise<{ action: 'revoke'; agent: AgentView }> {
    return { action: 'revoke', agent: await this.agents.revoke(id) };
  }

  // A command that reached no connected agent answers `delivered: false` (unknown, revoked or offline alike).
  @Post('api/v1/agents/:id/report-now')
  @HttpCode(200)
  @RouteConfig(ADMIN)
  async reportNow(@Param('id', AgentIdPipe) id: string): Promise<CommandReply> {
    return { command: 'report_now', delivered: await this.commands.send(id, { type: 'report_now' }) };
  }

  @Post('api/v1/agents/:id/settings')
  @HttpCode(200)
  @RouteConfig(ADMIN)
  async settings(
    @Param('id', AgentIdPipe) id: string,
    @Body(SettingsPipe) settings: SettingsInput,
  ): Promise<CommandReply> {
    return { command: 'settings_update', delivered: await this.agents.changeSettings(id, settings) };
  }
}
