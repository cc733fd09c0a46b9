import { Body, Controller, HttpCode, Get, Headers, Post, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { PASSWORD } from '../common/edge-hooks';
import { EventsPage, EventsService } from './events.service';
import { EventInput, EventPipe, EventsFilter, EventsQueryPipe, parseIdempotencyKey } from './events.dto';

@Controller()
export class EventsController {
  constructor(private readonly events: EventsService) {}

  // `@Headers` takes no pipe, so the header is parsed here; the body's `id` wins when both are sent
  @Post(['event', 'add-event'])
  @HttpCode(200)
  @RouteConfig(PASSWORD)
  async add(@Body(EventPipe) input: EventInput, @Headers('idempotency-key') header: unknown): Promise<object> {
    const key = parseIdempotencyKey(header);
    await this.events.add({ ...input, id: input.id ?? key });
    return {};
  }

  @Get(['events', 'list-events'])
  @RouteConfig(PASSWORD)
  async list(@Query(EventsQueryPipe) filter: EventsFilter): Promise<EventsPage> {
    return this.events.list(filter);
  }
}
