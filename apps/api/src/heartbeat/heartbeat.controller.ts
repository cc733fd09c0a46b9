import { Body, Controller, HttpCode, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { PASSWORD, PASSWORD_OR_REDIRECT } from '../common/edge-hooks';
import { isHumanDates } from '../common/fields';
import { CancelPipe, PulseInput, PulsePipe } from './heartbeat.dto';
import { HeartbeatService } from './heartbeat.service';
import { HeartbeatView } from './heartbeat.record';

// Success is always 200, never 201: the Python client raises on anything else (§3.6).
// Every path is spelled in full: these routes sit at the listener root (watchtower-protocol.md §2).
@Controller()
export class HeartbeatController {
  constructor(private readonly heartbeats: HeartbeatService) {}

  @Post(['heartbeat', ''])
  @HttpCode(200)
  @RouteConfig(PASSWORD)
  async pulse(@Body(PulsePipe) input: PulseInput): Promise<{ action: 'pulse'; heartBeat: HeartbeatView }> {
    return { action: 'pulse', heartBeat: await this.heartbeats.pulse(input) };
  }

  @Delete(['heartbeat', ''])
  @RouteConfig(PASSWORD)
  async cancel(@Body(CancelPipe) service: string): Promise<{ action: 'cancel'; heartBeat: HeartbeatView | 'unknown' }> {
    return { action: 'cancel', heartBeat: await this.heartbeats.cancel(service) };
  }

  @Get('heartbeats')
  @RouteConfig(PASSWORD)
  async list(@Query('humanDates') humanDates: unknown): Promise<{ heartBeats: HeartbeatView[] }> {
    return { heartBeats: await this.heartbeats.list(isHumanDates(humanDates)) };
  }

  // Without a password header the edge hook redirects to the console (§5.6).
  @Get()
  @RouteConfig(PASSWORD_OR_REDIRECT)
  async root(@Query('humanDates') humanDates: unknown): Promise<{ heartBeats: HeartbeatView[] }> {
    return this.list(humanDates);
  }

  @Get(['heartbeat/:service', 'get/:service'])
  @RouteConfig(PASSWORD)
  async get(
    @Param('service') service: string,
    @Query('humanDates') humanDates: unknown,
  ): Promise<{ heartBeat: HeartbeatView }> {
    return { heartBeat: await this.heartbeats.get(service, isHumanDates(humanDates)) };
  }

  @Delete('heartbeats/:service')
  @RouteConfig(PASSWORD)
  async remove(@Param('service') service: string): Promise<{ action: 'delete'; heartBeat: HeartbeatView }> {
    return { action: 'delete', heartBeat: await this.heartbeats.delete(service) };
  }
}
