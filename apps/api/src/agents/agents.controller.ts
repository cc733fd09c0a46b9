import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { PASSWORD } from '../common/edge-hooks';
import { AgentIdPipe, AgentView, EnrollInput, EnrollPipe, EnrollReply } from './agents.dto';
import { AgentsService } from './agents.service';

// Enrollment behind the admin password (agent-protocol.md §1). Success is 200, as on every route.
@Controller()
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post('api/v1/agents')
  @HttpCode(200)
  @RouteConfig(PASSWORD)
  async enroll(@Body(EnrollPipe) input: EnrollInput): Promise<EnrollReply> {
    return this.agents.enroll(input);
  }

  @Get('api/v1/agents')
  @RouteConfig(PASSWORD)
  async list(): Promise<{ agents: AgentView[] }> {
    return { agents: await this.agents.list() };
  }

  @Delete('api/v1/agents/:id')
  @RouteConfig(PASSWORD)
  async revoke(@Param('id', AgentIdPipe) id: string): Promise<{ action: 'revoke'; agent: AgentView }> {
    return { action: 'revoke', agent: await this.agents.revoke(id) };
  }
}
