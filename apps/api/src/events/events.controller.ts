import { Body, Controller, HttpCode, Get, Post, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { PASSWORD } from '../common/edge-hooks';
import { EventInput } from '../common/legacy-fields';
import { EventsPage, EventsService } from './events.service';
import { EventPipe, EventsFilter, EventsQueryPipe } from './events.pipes';

@Controller()
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post(['event', 'add-event'])
  @HttpCode(200)
  @RouteConfig(PASSWORD)
  async add(@Body(EventPipe) input: EventInput): Promise<object> {
    await this.events.add(input);
    return {};
  }

  @Get(['events', 'list-events'])
  @RouteConfig(PASSWORD)
  async list(@Query(EventsQueryPipe) filter: EventsFilter): Promise<EventsPage> {
    return this.events.list(filter);
  }
}
