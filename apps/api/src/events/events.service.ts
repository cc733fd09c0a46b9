import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Env } from '../config/env';
import { formatHuman } from '../common/display-dates';
import { HintedError } from '../common/hinted-error';
import { encodeCursor, EventInput } from '../common/legacy-fields';
import { AlertsService } from '../alerts/alerts.service';
import { PersistenceService } from '../persistence/persistence.service';
import { EventsFilter } from './events.pipes';

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

/** Regex filters run inside PostgreSQL under this budget; the patterns are already linear-safe (§7.4). */
const REGEX_TIMEOUT_MS = 2000;

@Injectable()
export class EventsService {
  constructor(
    private readonly persistence: PersistenceService,
    private readonly alerts: AlertsService,
    private readonly db: DataSource,
    private readonly env: Env,
  ) {}

  /** Resolves once the event is durably queued (§5.7); the worker writes it to PostgreSQL. */
  async add(input: EventInput): Promise<void> {
    const date = Math.floor(Date.now() / 1000);
    await this.persistence.record({ events: [{ uid: randomUUID(), date, ...input }] });
    if (input.alert) {
      await this.alerts.raise([
        {
          alert: {
            kind: 'event',
            type: this.env.defaultAlertType,
            target: this.env.defaultAlertTarget,
            title: input.service,
            body: input.message,
            service: input.service,
            date,
            context: {},
          },
        },
      ]);
    }
  }

  async list(filter: EventsFilter): Promise<EventsPage> {
    const where = ['date >= to_timestamp($1)', 'date <= to_timestamp($2)'];
    const params: unknown[] = [filter.from, filter.to];
    const add = (clause: (n: string) => string, value: unknown): void => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filter.level !== undefined) {
      add((p) => `level >= ${p}`, filter.level);
    }
    if (filter.servicePattern !== undefined) {
      add((p) => `service ~* ${p}`, filter.servicePattern);
    }
    if (filter.messagePattern !== undefined) {
      add((p) => `message ~* ${p}`, filter.messagePattern);
    }
    if (filter.cursor) {
      params.push(filter.cursor.date, filter.cursor.id);
      where.push(`(date, id) < (to_timestamp($${params.length - 1}), $${params.length}::bigint)`);
    }
    params.push(filter.limit + 1);
    // ORDER BY names the table column: ordering by the epoch expression would defeat the (date, id) index.
    const sql = `SELECT id, extract(epoch FROM date)::bigint AS epoch, level, service, message, alert FROM events
      WHERE ${where.join(' AND ')} ORDER BY events.date DESC, events.id DESC LIMIT $${params.length}`;
    const rows = await this.query(
      sql,
      params,
      filter.servicePattern !== undefined || filter.messagePattern !== undefined,
    );
    const page = rows.slice(0, filter.limit);
    const zone = filter.humanDates ? this.env.tzDisplay : undefined;
    const result: EventsPage = {
      events: page.map((row) => ({
        alert: row.alert,
        date: zone ? formatHuman(Number(row.epoch), zone) : Number(row.epoch),
        level: row.level,
        message: row.message,
        service: row.service,
      })),
    };
    if (rows.length > filter.limit) {
      const last = page[page.length - 1];
      result.next = encodeCursor(Number(last.epoch), String(last.id));
    }
    return result;
  }

  private async query(sql: string, params: unknown[], regex: boolean): Promise<EventRowOut[]> {
    if (!regex) {
      return this.db.query<EventRowOut[]>(sql, params);
    }
    try {
      return await this.db.transaction(async (tx) => {
        await tx.query(`SET LOCAL statement_timeout = ${REGEX_TIMEOUT_MS}`);
        return tx.query<EventRowOut[]>(sql, params);
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '57014') {
        throw new HintedError(400, 'regex filter too expensive: narrow the time window or the pattern');
      }
      throw error;
    }
  }
}

interface EventRowOut {
  id: string;
  epoch: string;
  level: number;
  service: string;
  message: string;
  alert: boolean;
}
