import { Controller, Get, Param, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ADMIN } from '../common/edge-hooks';
import { HostDetail, HostIdPipe, HostMetrics, HostSummary, MetricsQuery, MetricsQueryPipe } from './hosts.dto';
import { HostsService } from './hosts.service';

// The console's read API over what agents and the embedded collector sent, behind the admin password.
@Controller()
export class HostsController {
  constructor(private readonly hosts: HostsService) {}

  @Get('api/v1/hosts')
  @RouteConfig(ADMIN)
  async list(): Promise<{ hosts: HostSummary[] }> {
    return { hosts: await this.hosts.list() };
  }

  @Get('api/v1/hosts/:id')
  @RouteConfig(ADMIN)
  async get(@Param('id', HostIdPipe) id: string): Promise<HostDetail> {
    return this.hosts.get(id);
  }

  @Get('api/v1/hosts/:id/metrics')
  @RouteConfig(ADMIN)
  async metrics(
    @Param('id', HostIdPipe) id: string,
    @Query(MetricsQueryPipe) query: MetricsQuery,
  ): Promise<HostMetrics> {
    return this.hosts.metrics(id, query);
  }
}
