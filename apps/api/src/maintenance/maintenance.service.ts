import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Env } from '../config/env';
import { QUEUE } from '../common/queues';
import { HeartbeatService } from '../heartbeat/heartbeat.service';

const SCHEDULER = 'daily-maintenance';
const DAY_MS = 86_400_000;

/** Daily clean-up (§6.7, §7.5): old events and long-cancelled heartbeats, each only when configured. */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceService.name);

  constructor(
    @InjectQueue(QUEUE.maintenance) private readonly queue: Queue,
    private readonly db: DataSource,
    private readonly heartbeats: HeartbeatService,
    private readonly env: Env,
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

  async run(): Promise<{ events: number; heartbeats: number }> {
    let events = 0;
    let heartbeats = 0;
    if (this.env.eventsRetentionDays > 0) {
      const [{ n }] = (await this.db.query(
        `WITH gone AS (DELETE FROM events WHERE date < now() - make_interval(days => $1) RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [this.env.eventsRetentionDays],
      )) as { n: number }[];
      events = n;
    }
    if (this.env.heartbeatPurgeCancelledAfterDays > 0) {
      const rows = (await this.db.query(
        `SELECT service FROM heartbeats WHERE cancelled AND updated_at < now() - make_interval(days => $1)`,
        [this.env.heartbeatPurgeCancelledAfterDays],
      )) as { service: string }[];
      for (const { service } of rows) {
        // The live record decides: a service that pulsed since is no longer cancelled and stays.
        if (await this.heartbeats.deleteIfCancelled(service)) {
          heartbeats++;
        }
      }
    }
    this.logger.log(`maintenance: deleted ${events} old events and ${heartbeats} cancelled heartbeats`);
    return { events, heartbeats };
  }
}
