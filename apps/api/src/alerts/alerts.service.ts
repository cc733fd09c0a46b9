import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { Env } from '../config/env';
import { QUEUE } from '../common/queues';
import { withDeadline } from '../common/hinted-error';
import { QUEUE_WRITE_DEADLINE_MS } from '../persistence/persistence.service';
import { AlertJob } from './alerts.types';

export interface RaisedAlert {
  alert: AlertJob;
  /** Deterministic id of the fact (e.g. `down`, service, deadline): a second detection enqueues nothing. */
  key?: string[];
}

@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    @InjectQueue(QUEUE.alerts) private readonly queue: Queue<AlertJob>,
    private readonly env: Env,
  ) {}

  async raise(alerts: RaisedAlert[]): Promise<void> {
    if (alerts.length === 0) {
      return;
    }
    if (!this.env.alertsEnabled) {
      // ALERTS_ENABLED=false drops alerts at raise time: nothing accumulates (§8.4).
      alerts.forEach(({ alert }) => this.logger.log(`alerts disabled, dropped: ${alert.title}`));
      return;
    }
    await withDeadline(
      this.queue.addBulk(
        alerts.map(({ alert, key }) => ({
          name: alert.kind,
          data: alert,
          opts: key ? { jobId: alertJobId(key) } : {},
        })),
      ),
      QUEUE_WRITE_DEADLINE_MS,
      'the alerts queue',
    );
  }
}

/** BullMQ job ids must not contain ':' and service names are free text, so the key is hashed. */
export function alertJobId(key: string[]): string {
  return `${key[0]}-${createHash('sha256').update(key.join('\u0000')).digest('hex').slice(0, 32)}`;
}
