import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { Metrics } from '../common/metrics';
import { formatHuman } from '../common/display-dates';
import { Env } from '../config/env';
import { EventsRepository } from '../database/repositories';
import { FactsService } from '../alerts/facts.service';
import { encodeCursor, EventInput, EventsFilter } from './events.dto';

export interface EventView {
  alert: boolean;
  date: number | string;
  level: number;
  message: string;
  service: string;
}

export interface EventsPage {
  events: EventView[];
  next?: string;
}

@Injectable()
export class EventsService {
  constructor(
    private readonly facts: FactsService,
    private readonly events: EventsRepository,
    private readonly clock: Clock,
    private readonly env: Env,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Resolves once the event (and its alert, if asked) is durably queued (§5.7); the worker writes it to
   * PostgreSQL. With the client's idempotency key a retry is the same fact: stored once, alerted once.
   */
  async add(input: EventInput): Promise<void> {
    const { service, message, level, alert, id } = input;
    await this.facts.raise([
      {
        key: id === undefined ? ['event', randomUUID()] : ['event', service, id],
        fresh: id === undefined,
        service,
        date: this.clock.seconds(),
        texts: { title: service, body: message },
        event: { level, message, alert },
        alert: alert
          ? { kind: 'event', type: this.env.defaultAlertType, target: this.env.defaultAlertTarget, context: {} }
          : undefined,
      },
    ]);
    this.metrics.events.inc();
  }

  async list(filter: EventsFilter): Promise<EventsPage> {
    const maxBytes = this.env.eventsPageMaxBytes;
    const rows = await this.events.list({ ...filter, maxBytes });
    // the first row always fits, so a page is never empty while results remain
    const fitting = rows.findIndex((row, index) => index > 0 && row.runningBytes > maxBytes);
    const page = rows.slice(0, Math.min(filter.limit, fitting === -1 ? rows.length : fitting));
    const zone = filter.humanDates ? this.env.tzDisplay : undefined;
    const result: EventsPage = {
      events: page.map((row) => ({
        alert: row.alert,
        date: zone ? formatHuman(row.date, zone) : row.date,
        level: row.level,
        message: row.message,
        service: row.service,
      })),
    };
    if (rows.length > page.length) {
      const last = page[page.length - 1];
      result.next = encodeCursor(last.date, last.id);
    }
    return result;
  }
}
