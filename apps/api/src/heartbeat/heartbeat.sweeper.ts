import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Env } from '../config/env';
import { Heartbeat } from '../database/entities';
import { HeartbeatService } from './heartbeat.service';
import { HeartbeatStore, LiveRecord } from './heartbeat.store';

const BATCH = 500;
/** Poll period of the due set: detection lag stays well under the 1 s of §6.3. */
const IDLE_MS = 200;
const ALIVE_EVERY_MS = 1000;

/**
 * Drains the Redis sorted set of death instants. Each poll costs O(log n + due), whatever the number of
 * monitored services; claims are atomic, so any number of API processes can sweep the same Redis.
 */
@Injectable()
export class HeartbeatSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatSweeper.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: HeartbeatStore,
    private readonly heartbeats: HeartbeatService,
    private readonly env: Env,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.rebuildIfLost();
    const postponed = await this.store.applyStartupGrace(this.env.heartbeatStartupGraceSeconds);
    if (postponed > 0) {
      this.logger.log(
        `${postponed} deadlines fell due while no API ran: ${this.env.heartbeatStartupGraceSeconds} s grace`,
      );
    }
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.store.clearAlive().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let lastAlive = 0;
    while (this.running) {
      let claimed = 0;
      try {
        if (Date.now() - lastAlive >= ALIVE_EVERY_MS) {
          // A Redis restarted without its data (no AOF) is refilled while the API keeps running.
          await this.rebuildIfLost();
          await this.store.markAlive();
          lastAlive = Date.now();
        }
        const dead = await this.store.claimDue(BATCH);
        claimed = dead.length;
        if (claimed > 0) {
          await this.heartbeats.declareDead(dead);
          await this.store.ackClaims(dead);
        }
        const reminders = await this.store.claimReminders(BATCH);
        if (reminders.length > 0) {
          await this.heartbeats.remind(reminders);
        }
      } catch (error) {
        // Claims stay in Redis and are re-driven; a Redis or queue outage must not stop the loop.
        this.logger.error(`sweep failed: ${(error as Error).message}`);
      }
      if (claimed < BATCH) {
        await this.sleep(IDLE_MS);
      }
    }
  }

  /** Refills Redis from PostgreSQL, the system of record, when its live state is gone. */
  private async rebuildIfLost(): Promise<void> {
    if (await this.store.isReady()) {
      return;
    }
    const rows = await this.db.getRepository(Heartbeat).find();
    await this.store.restore(rows.map(fromRow));
    this.logger.log(`live heartbeat state rebuilt from PostgreSQL (${rows.length} records)`);
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function fromRow(row: Heartbeat): LiveRecord {
  const record: LiveRecord = {
    service: row.service,
    alertType: row.alertType,
    alertTarget: row.alertTarget,
    nextIn: row.nextIn,
    last: Math.floor(row.last.getTime() / 1000),
    expected: Math.floor(row.expected.getTime() / 1000),
    alerted: row.alerted,
    cancelled: row.cancelled,
    position: Number(row.position),
    version: Number(row.version),
  };
  if (row.repeatEvery !== null) {
    record.repeatEvery = row.repeatEvery;
  }
  if (row.deadAt !== null) {
    record.deadAt = Math.floor(row.deadAt.getTime() / 1000);
  }
  return record;
}
