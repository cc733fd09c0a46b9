import { Controller, Get, Injectable, OnModuleInit, Query } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyInstance } from 'fastify';
import { PASSWORD } from '../common/edge-hooks';
import { serializeEnvelope } from '../common/envelope';
import { hotPost } from '../common/hot-route';
import { EventsPage, EventsService } from './events.service';
import { EventsFilter, EventsQueryPipe, parseEvent, parseIdempotencyKey } from './events.dto';

const STORED = serializeEnvelope({ result: 200 });

/** `POST /add-event` and `POST /event` (§5.7), at the rate of every client's logs: on Fastify itself (hot-route.ts). */
@Injectable()
export class AddEventRoute implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly events: EventsService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    hotPost(fastify, ['/event', '/add-event'], PASSWORD, async (body, request) => {
      const input = parseEvent(body);
      // the body is judged first; its `id` wins over the header when both are sent
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      await this.events.add({ ...input, id: input.id ?? key });
      return STORED;
    });
  }
}

@Controller()
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get(['events', 'list-events'])
  @RouteConfig(PASSWORD)
  async list(@Query(EventsQueryPipe) filter: EventsFilter): Promise<EventsPage> {
    return this.events.list(filter);
  }
}
