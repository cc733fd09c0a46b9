import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Env } from '../config/env';
import { HintedError } from '../common/hinted-error';
import { PulseInput } from '../common/legacy-fields';
import { AlertsService, RaisedAlert } from '../alerts/alerts.service';
import { AlertJob } from '../alerts/alerts.types';
import { alertTexts, eventMessage } from '../alerts/alert-texts';
import { PersistenceService } from '../persistence/persistence.service';
import { EventRow, HistoryRow, PersistenceItem } from '../persistence/persistence.types';
import { HeartbeatStore, LiveRecord } from './heartbeat.store';
import { HeartbeatView, toRow, toView } from './heartbeat.view';

/** Heartbeat rules (watchtower-protocol.md §6): transitions in Redis, history to PostgreSQL, alerts queued. */
@Injectable()
export class HeartbeatService {
  constructor(
    private readonly store: HeartbeatStore,
    private readonly persistence: PersistenceService,
    private readonly alerts: AlertsService,
    private readonly env: Env,
  ) {}

  async pulse(input: PulseInput): Promise<HeartbeatView> {
    const outcome = await this.store.pulse(input, this.env.heartbeatMaxServices);
    if (outcome.kind === 'limit') {
      throw new HintedError(400, `service limit reached (max ${this.env.heartbeatMaxServices})`);
    }
    const { record, previous } = outcome;
    const item: PersistenceItem = { heartbeats: [toRow(record)], history: this.history(record, 'pulse', record.last) };
    if (previous?.alerted) {
      // A dead service pulsed again: tell the new target and keep a trace (§6.2 step 2); the event and the
      // alert of this recovery share one key, derived from the death they end.
      const key = ['up', record.service, `${previous.deadAt ?? previous.expected}`];
      const text = alertTexts.heartbeatUp(record.service);
      item.events = [this.event(record.service, record.last, eventMessage(text), key)];
      await this.alerts.raise([
        {
          alert: {
            kind: 'up',
            type: record.alertType,
            target: record.alertTarget,
            ...text,
            service: record.service,
            date: record.last,
            context: { lastPulse: record.last, nextIn: record.nextIn },
          },
          key,
        },
      ]);
    }
    await this.persistence.record(item);
    return toView(record);
  }

  async cancel(service: string): Promise<HeartbeatView | 'unknown'> {
    const record = await this.store.cancel(service);
    if (!record) {
      return 'unknown';
    }
    await this.persistence.record({
      heartbeats: [toRow(record)],
      history: this.history(record, 'cancel', record.last),
    });
    return toView(record);
  }

  async delete(service: string): Promise<HeartbeatView> {
    const record = await this.store.delete(service);
    if (!record) {
      throw new HintedError(404, 'service not found');
    }
    await this.persistence.record({ deletes: [{ service, version: record.version }] });
    return toView(record);
  }

  /** For the daily purge: deletes the record only if it is still cancelled in the live state. */
  async deleteIfCancelled(service: string): Promise<boolean> {
    const record = await this.store.get(service);
    if (!record?.cancelled) {
      return false;
    }
    await this.delete(service);
    return true;
  }

  async list(humanDates: boolean): Promise<HeartbeatView[]> {
    const zone = humanDates ? this.env.tzDisplay : undefined;
    return (await this.store.list()).map((record) => toView(record, zone));
  }

  async get(service: string, humanDates: boolean): Promise<HeartbeatView> {
    const record = await this.store.get(service);
    if (!record) {
      throw new HintedError(404, 'service not found');
    }
    return toView(record, humanDates ? this.env.tzDisplay : undefined);
  }

  /** Hands freshly claimed deaths to the queues: one event and one alert each, idempotent by deadline. */
  async declareDead(records: LiveRecord[]): Promise<void> {
    const alerts: RaisedAlert[] = [];
    const item: PersistenceItem = { heartbeats: [], events: [], history: [] };
    for (const record of records) {
      const text = alertTexts.heartbeatDown(record.service, record.last, this.env.tzDisplay);
      const deadAt = record.deadAt ?? record.expected + 1;
      const key = ['down', record.service, `${record.expected}`];
      item.heartbeats!.push(toRow(record));
      item.events!.push(this.event(record.service, deadAt, eventMessage(text), key));
      item.history!.push(...this.history(record, 'alert', deadAt));
      alerts.push({ alert: this.downAlert(record, deadAt), key });
    }
    await this.alerts.raise(alerts);
    await this.persistence.record(item);
  }

  /** Reminders (§6.3): the same "has not pulsed" alert again while the service stays dead; no event. */
  async remind(due: { record: LiveRecord; reminder: number }[]): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    await this.alerts.raise(
      due.map(({ record, reminder }) => ({
        alert: this.downAlert(record, now),
        key: ['remind', record.service, `${record.expected}`, `${reminder}`],
      })),
    );
  }

  private downAlert(record: LiveRecord, at: number): AlertJob {
    return {
      kind: 'down',
      type: record.alertType,
      target: record.alertTarget,
      ...alertTexts.heartbeatDown(record.service, record.last, this.env.tzDisplay),
      service: record.service,
      date: at,
      context: { lastPulse: record.last, lateBySeconds: at - record.expected, nextIn: record.nextIn },
    };
  }

  private event(service: string, date: number, message: string, key: string[]): EventRow {
    return { uid: stableUid(key), date, level: 0, service, message, alert: false };
  }

  private history(record: LiveRecord, action: HistoryRow['action'], at: number): HistoryRow[] {
    if (!this.env.heartbeatHistory) {
      return [];
    }
    return [
      { uid: randomUUID(), service: record.service, action, at, nextIn: record.nextIn, expected: record.expected },
    ];
  }
}

/** The same fact always gets the same event uid, so a re-driven death stores one event. */
function stableUid(key: string[]): string {
  return createHash('sha256').update(key.join('\u0000')).digest('hex').slice(0, 32);
}
