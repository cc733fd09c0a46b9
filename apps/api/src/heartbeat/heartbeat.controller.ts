import { Body, Controller, Delete, Get, Injectable, OnModuleInit, Param, Query, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { PASSWORD, PASSWORD_OR_REDIRECT } from '../common/edge-hooks';
import { isHumanDates } from '../common/fields';
import { hotPost } from '../common/hot-route';
import { CancelPipe, ListQuery, ListQueryPipe, parsePulse } from './heartbeat.dto';
import { HeartbeatService } from './heartbeat.service';
import { HeartbeatView, pulseAnswer } from './heartbeat.record';

/** `POST /` and `POST /heartbeat` (§5.2), the hottest route there is: on Fastify itself (hot-route.ts). */
@Injectable()
export class PulseRoute implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly heartbeats: HeartbeatService,
  ) {}

  // Nest registers its own routes before onModuleInit and Fastify takes routes until it listens
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    hotPost(fastify, ['/heartbeat', '/'], PASSWORD, async (body) =>
      pulseAnswer(await this.heartbeats.pulse(parsePulse(body))),
    );
  }
}

// Success is always 200, never 201: the Python client raises on anything else (§3.6).
// Every path is spelled in full: these routes sit at the listener root (watchtower-protocol.md §2).
@Controller()
export class HeartbeatController {
  constructor(private readonly heartbeats: HeartbeatService) {}

  @Delete(['heartbeat', ''])
  @RouteConfig(PASSWORD)
  async cancel(@Body(CancelPipe) service: string): Promise<{ action: 'cancel'; heartBeat: HeartbeatView | 'unknown' }> {
    return { action: 'cancel', heartBeat: await this.heartbeats.cancel(service) };
  }

  // Both a page and the unpaged list are already the envelope serializer's exact bytes, sent as a stream with the
  // headers the serializer's answer had.
  @Get('heartbeats')
  @RouteConfig(PASSWORD)
  async list(
    @Query(ListQueryPipe) query: ListQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Readable> {
    const listing = query.page
      ? await this.heartbeats.page({ ...query, page: query.page })
      : await this.heartbeats.listAll(query.humanDates);
    void reply.header('content-type', 'application/json; charset=utf-8').header('content-length', listing.length);
    return listing.body;
  }

  // Without a password header the edge hook redirects to the console (§5.6).
  @Get()
  @RouteConfig(PASSWORD_OR_REDIRECT)
  async root(
    @Query(ListQueryPipe) query: ListQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Readable> {
    return this.list(query, reply);
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
