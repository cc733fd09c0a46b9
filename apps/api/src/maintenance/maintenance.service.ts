import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../common/clock';
import { Env } from '../config/env';
import { QUEUE } from '../common/queues';
import { EventsRepository, SnapshotsRepository } from '../database/repositories';
import { HeartbeatService } from '../heartbeat/heartbeat.service';

const SCHEDULER = 'daily-maintenance';

export interface MaintenanceResult {
  /** The day partitions dropped whole, and the older rows deleted from events_default. */
  events: { days: string[]; rows: number };
  heartbeats: number;
  partitions: string[];
}
const DAY_MS = 86_400_000;

/**
 * Daily clean-up (§6.7, §7.5): old events and long-cancelled heartbeats, each only when configured, and
 * snapshot partitions past SNAPSHOT_RETENTION_DAYS, always (its minimum is one day).
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceService.name);

  constructor(
    @InjectQueue(QUEUE.maintenance) private readonly queue: Queue,
    private readonly events: EventsRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly heartbeats: HeartbeatService,
    private readonly env: Env,
    private readonly clock: Clock,
  ) {}

  // Snapshot retention cannot be turned off, so the scheduler always runs
  async onApplicationBootstrap(): Promise<void> {
    // A job scheduler: exactly one process runs it each day, however many API processes there are.
    await this.queue.upsertJobScheduler(
      SCHEDULER,
      { every: DAY_MS },
      { name: 'run', opts: { removeOnComplete: true } },
    );
  }

  /** Schedules the purges; each table's owner performs its own. */
  async run(): Promise<MaintenanceResult> {
    let events: MaintenanceResult['events'] = { days: [], rows: 0 };
    let heartbeats = 0;
    if (this.env.eventsRetentionDays > 0) {
      events = await this.events.dropOlderThan(this.daysAgo(this.env.eventsRetentionDays));
    }
    if (this.env.heartbeatPurgeCancelledAfterDays > 0) {
      // The live record decides: a service that pulsed since is no longer cancelled and stays.
      heartbeats = await this.heartbeats.purgeCancelledBefore(this.daysAgo(this.env.heartbeatPurgeCancelledAfterDays));
    }
    // whole days only: a partition goes once its last instant is older than the retention
    const partitions = await this.snapshots.dropPartitionsBefore(
      this.daysAgo(this.env.snapshotRetentionDays).getTime(),
    );
    this.logger.log(
      `maintenance: dropped ${events.days.length} event days and ${events.rows} older events outside them, ` +
        `deleted ${heartbeats} cancelled heartbeats, dropped ${partitions.length} snapshot partitions`,
    );
    return { events, heartbeats, partitions };
  }

  private daysAgo(days: number): Date {
    return new Date(this.clock.nowMs() - days * DAY_MS);
  }
}
