import { oneLine } from '../common/envelope.filter';
import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { withDeadline } from '../common/hinted-error';
import { Metrics } from '../common/metrics';
import { Env } from '../config/env';
import { EventsRepository } from '../database/repositories';
import { AlertChannels } from './alert-channels';
import { AlertContext, AlertJob } from './alerts.types';
import { ChannelSlots } from './channel-slots';
import { RelayLimits } from './relay-limits';

/** How many deliveries one channel may run at once in this process: a slow provider never starves the others. */
const PER_CHANNEL = 10;
/** How long a job waits in memory for a slot of its busy channel before it steps aside. */
const SLOT_WAIT_MS = 250;
/** When its channel stays busy, a job steps aside for this long instead of holding a worker slot. */
const STEP_ASIDE_MS = 500;

/** Latest figures of the host a service reports from; the agents feature plugs one in. */
export type HostContext = (service: string) => Promise<AlertContext['host']>;

/** One delivery attempt: the context is read now (so a retry sends fresh figures), then the channel sends. */
@Injectable()
export class AlertDelivery {
  private readonly logger = new Logger(AlertDelivery.name);
  private readonly slots = new ChannelSlots(PER_CHANNEL, SLOT_WAIT_MS);
  private hostContext: HostContext | null = null;

  constructor(
    private readonly channels: AlertChannels,
    private readonly events: EventsRepository,
    private readonly limits: RelayLimits,
    private readonly env: Env,
    private readonly metrics: Metrics,
  ) {}

  useHostContext(provider: HostContext): void {
    this.hostContext = provider;
  }

  async deliver(job: Job<AlertJob>, token: string | undefined): Promise<void> {
    const { type } = job.data;
    const channel = this.channels.get(type);
    if (!channel.configured) {
      this.logger.warn(`alert "${oneLine(job.data.title)}" not sent: the ${type} channel is not configured`);
      throw new UnrecoverableError(`the ${type} channel is not configured on this server`);
    }
    if (!(await this.slots.acquire(type))) {
      await job.moveToDelayed(Date.now() + STEP_ASIDE_MS, token);
      throw new DelayedError();
    }
    try {
      if (job.attemptsMade === 0) {
        // alerts are counted, not attempts: a retry of an admitted alert is not a new relay
        await this.limits.admit(job.data);
      }
      try {
        // BullMQ gives every job an id; an alert's derives from its fact, so a re-driven job keeps it
        await channel.send({ ...job.data, context: await this.context(job.data) }, job.id!);
        this.metrics.alerts.inc({ channel: type, outcome: 'sent' });
      } catch (error) {
        this.metrics.alerts.inc({ channel: type, outcome: 'failed' });
        throw error;
      }
    } finally {
      this.slots.release(type);
    }
  }

  private async context(alert: AlertJob): Promise<AlertContext> {
    if (alert.kind === 'event') {
      return alert.context;
    }
    const context: AlertContext = { ...alert.context };
    // Both reads go to PostgreSQL: while it is down the alert goes out without them rather than not at all.
    const [events, host] = await Promise.all([
      this.optional(this.events.recent(alert.service, 5), 'recent events', alert),
      this.optional(this.hostContext?.(alert.service) ?? Promise.resolve(undefined), 'host figures', alert),
    ]);
    if (events !== undefined) {
      context.recentEvents = events;
    }
    if (host) {
      context.host = host;
    }
    return context;
  }

  /** The value, or undefined (with a log line) when it fails or takes longer than ALERT_CONTEXT_TIMEOUT_MS. */
  private async optional<T>(read: Promise<T>, what: string, alert: AlertJob): Promise<T | undefined> {
    try {
      return await withDeadline(read, this.env.alertContextTimeoutMs, what);
    } catch (error) {
      this.logger.warn(`alert "${oneLine(alert.title)}" sent without its ${what}: ${(error as Error).message}`);
      return undefined;
    }
  }
}
