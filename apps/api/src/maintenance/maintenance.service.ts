import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../common/clock';
import { Env } from '../config/env';
import { QUEUE } from '../common/queues';
import { EventsRepository } from '../database/repositories';
import { HeartbeatService } from '../heartbeat/heartbeat.service';

const SCHEDULER = 'daily-maintenance';
const DAY_MS = 86_400_000;

/** Daily clean-up (§6.7, §7.5): old events and long-cancelled heartbeats, each only when configured. */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceService.name);

  constructor(
    @InjectQueue(QUEUE.maintenance) private readonly queue: Queue,
    private readonly events: EventsRepository,
    private readonly heartbeats: HeartbeatService,
    private readonly env: Env,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.eventsRetentionDays === 0 && this.env.heartbeatPurgeCancelledAfterDays === 0) {
      await this.queue.removeJobScheduler(SCHEDULER);
      return;
    }
    // A job scheduler: exactly one process runs it each day, however many API processes there are.
    await this.queue.upsertJobScheduler(
      SCHEDULER,
      { every: DAY_MS },
      { name: 'run', opts: { removeOnComplete: true } },
    );
  }

  /** Schedules the purges; each table's owner performs its own. */
  async run(): Promise<{ events: number; heartbeats: number }> {
    let events = 0;
    let heartbeats = 0;
    if (this.env.eventsRetentionDays > 0) {
      events = await this.events.deleteOlderThan(this.daysAgo(this.env.eventsRetentionDays));
    }
    if (this.env.heartbeatPurgeCancelledAfterDays > 0) {
      // The live record decides: a service that pulsed since is no longer cancelled and stays.
      heartbeats = await this.heartbeats.purgeCancelledBefore(this.daysAgo(this.env.heartbeatPurgeCancelledAfterDays));
    }
    this.logger.log(`maintenance: deleted ${events} old events and ${heartbeats} cancelled heartbeats`);
    return { events, heartbeats };
  }

  private daysAgo(days: number): Date {
    return new Date(this.clock.nowMs() - days * DAY_MS);
  }
}
