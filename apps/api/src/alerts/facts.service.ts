import { oneLine } from '../common/envelope.filter';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Env } from '../config/env';
import { FactKey, factId } from '../common/fact-key';
import { withDeadline } from '../common/hinted-error';
import { QUEUE } from '../common/queues';
import { PersistenceService, QUEUE_WRITE_DEADLINE_MS } from '../persistence/persistence.service';
import { PersistenceItem } from '../persistence/persistence.types';
import { AlertContext, AlertJob } from './alerts.types';

/** Something that happened to a service: stored as one event and, when someone must hear of it, one alert. */
export interface Fact {
  /** One key, one fact: it gives the event uid and the alert job id, so a repeat stores and sends nothing new. */
  key: FactKey;
  /**
   * The key was drawn at random for this fact: nothing can raise it again on another date, so its event needs no
   * claim in `event_keys` (a retried persistence job repeats its date, which (uid, date) catches).
   */
  fresh?: boolean;
  service: string;
  /** Epoch seconds. */
  date: number;
  texts: { title: string; body: string };
  /** The stored event: level 0 and `"<title> - <body>"` unless given (§6.5); null stores none (reminders). */
  event?: { level?: number; message?: string; alert?: boolean } | null;
  alert?: { kind: AlertJob['kind']; type: string; target: string; context: AlertContext };
}

/**
 * The one way a fact becomes an event plus an alert: the events go to the `persistence` queue first (with any
 * rows the caller writes alongside, in the same job), then the alerts to the `alerts` queue. Resolves once both
 * are durably queued; every id derives from the fact's key, so calling again after a failure is harmless.
 */
@Injectable()
export class FactsService {
  private readonly logger = new Logger(FactsService.name);

  constructor(
    private readonly persistence: PersistenceService,
    @InjectQueue(QUEUE.alerts) private readonly alerts: Queue<AlertJob>,
    private readonly env: Env,
  ) {}

  async raise(
    facts: readonly Fact[],
    alongside: Omit<PersistenceItem, 'events'> = {},
    options: { backpressure?: boolean; linger?: boolean } = {},
  ): Promise<void> {
    const events = facts.flatMap(({ key, fresh, service, date, texts, event = {} }) =>
      event === null
        ? []
        : [
            {
              uid: factId(key),
              date,
              level: event.level ?? 0,
              service,
              message: event.message ?? `${texts.title} - ${texts.body}`,
              alert: event.alert ?? false,
              keyed: fresh !== true,
            },
          ],
    );
    if (events.length > 0 || Object.keys(alongside).length > 0) {
      await this.persistence.record({ ...alongside, events }, options);
    }
    await this.enqueueAlerts(facts.filter((fact) => fact.alert !== undefined));
  }

  private async enqueueAlerts(facts: readonly Fact[]): Promise<void> {
    if (facts.length === 0) {
      return;
    }
    if (!this.env.alertsEnabled) {
      // ALERTS_ENABLED=false drops alerts at raise time: nothing accumulates (§8.4).
      facts.forEach((fact) => this.logger.log(`alerts disabled, dropped: ${oneLine(fact.texts.title)}`));
      return;
    }
    const jobs = facts.map(({ key, service, date, texts, alert }) => ({
      name: alert!.kind,
      data: { ...alert!, ...texts, service, date } as AlertJob,
      // the kind first, so Bull Board's job ids stay readable
      opts: { jobId: `${key[0]}-${factId(key)}` },
    }));
    await withDeadline(this.alerts.addBulk(jobs), QUEUE_WRITE_DEADLINE_MS, 'the alerts queue');
  }
}
