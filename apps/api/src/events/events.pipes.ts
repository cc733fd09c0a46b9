import { Injectable, PipeTransform } from '@nestjs/common';
import { Env } from '../config/env';
import { EventInput, EventsQuery, parseEvent, parseEventsQuery } from '../common/legacy-fields';
import { compileSearchPattern } from '../common/search-pattern';

@Injectable()
export class EventPipe implements PipeTransform<Record<string, unknown> | undefined, EventInput> {
  transform(body: Record<string, unknown> | undefined): EventInput {
    return parseEvent(body ?? {});
  }
}

/** A listing query with its regex filters already translated for PostgreSQL. */
export interface EventsFilter extends EventsQuery {
  servicePattern?: string;
  messagePattern?: string;
}

@Injectable()
export class EventsQueryPipe implements PipeTransform<Record<string, unknown>, EventsFilter> {
  constructor(private readonly env: Env) {}

  transform(query: Record<string, unknown>): EventsFilter {
    const parsed = parseEventsQuery(query, Math.floor(Date.now() / 1000), {
      defaultLimit: this.env.eventsDefaultLimit,
      maxLimit: this.env.eventsMaxLimit,
    });
    return {
      ...parsed,
      servicePattern: parsed.service === undefined ? undefined : compileSearchPattern(parsed.service, 'service'),
      messagePattern: parsed.message === undefined ? undefined : compileSearchPattern(parsed.message, 'message'),
    };
  }
}
