import { Controller, Get, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { PASSWORD } from '../common/edge-hooks';
import { isHumanDates } from '../common/fields';
import { PingsService, PingView } from './pings.service';

@Controller()
export class PingsController {
  constructor(private readonly pings: PingsService) {}

  @Get('pings')
  @RouteConfig(PASSWORD)
  async list(@Query('humanDates') humanDates: unknown): Promise<{ pings: PingView[] }> {
    return { pings: await this.pings.list(isHumanDates(humanDates)) };
  }
}
