import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BackgroundLoop } from '../common/background-loop';
import { Clock } from '../common/clock';
import { RedisClient } from '../common/redis.module';
import { evalScript } from '../common/redis-scripts';
import { Env } from '../config/env';
import { HeartbeatsRepository } from '../database/repositories';
import { heartbeatsNotice, publishCommitted } from '../persistence/committed';
import { HeartbeatKeys, heartbeatKeys } from './heartbeat.keys';
import { ACK_DIRTY, CLAIM_DIRTY } from './heartbeat.drain-scripts';
import { REDRIVE_AFTER_SECONDS } from './heartbeat.store';

/**
 * Services copied per statement; a round goes on while they come back full. Below 4000: CLAIM_DIRTY unpacks two
 * values per service into one call, and Redis's Lua stack holds 8000.
 */
export const ROWS_BATCH = 1000;
/**
 * One round per period copies every service marked since the last: a service pulsed many times in a period costs one
 * row write, not one per pulse. A pulse's row reaches PostgreSQL about this long after its answer, at most, and a
 * failed copy (PostgreSQL away) is tried again this often.
 */
const PERIOD_MS = 2000;

interface DirtyClaim {
  /** The Clock's time of the claim, which its acknowledgement names. */
  atMs: number;
  /** The transition counter at the claim: a deleted record's row is older than it. */
  version: number;
  /** Services still live, and their records as Redis holds them (JSON): PostgreSQL decodes them itself. */
  pulsed: string[];
  records: string[];
  deleted: string[];
}

/**
 * Copies the live records of Redis to PostgreSQL (the system of record) in batches: a pulse marks its service
 * dirty in its own atomic step instead of a queue job each, and this loop writes the newest record of every dirty
 * service. A claim stays leased in Redis until its rows are committed (re-driven when this process dies first), a
 * service pulsed meanwhile is marked again, and an older version never overwrites a newer row: no pulse is lost.
 */
@Injectable()
export class HeartbeatRowsDrain implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatRowsDrain.name);
  private readonly keys: HeartbeatKeys;
  private readonly loop = new BackgroundLoop();

  constructor(
    private readonly redis: RedisClient,
    private readonly rows: HeartbeatsRepository,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {
    this.keys = heartbeatKeys(env.redisPrefix);
  }

  onApplicationBootstrap(): void {
    this.loop.start(async () => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Writes one claim's rows, then forgets the claim. Returns how many services it copied. */
  private async copy(claim: DirtyClaim): Promise<number> {
    const services = [...claim.pulsed, ...claim.deleted];
    if (services.length === 0) {
      return 0;
    }
    const deletes = claim.deleted.map((service) => ({ service, version: claim.version }));
    await this.rows.copy(claim.records, deletes);
    await evalScript(this.redis, ACK_DIRTY, [this.keys.draining], [this.clock.nowMs(), claim.atMs, ...services]);
    publishCommitted(this.redis, this.env.redisPrefix, heartbeatsNotice(services));
    return services.length;
  }

  private async claim(): Promise<DirtyClaim> {
    const { dirty, draining, rec, ver } = this.keys;
    const atMs = this.clock.nowMs();
    const flat = (await evalScript(
      this.redis,
      CLAIM_DIRTY,
      [dirty, draining, rec, ver],
      [atMs, ROWS_BATCH, REDRIVE_AFTER_SECONDS],
    )) as string[];
    const claim: DirtyClaim = { atMs, version: Number(flat[0]), pulsed: [], records: [], deleted: [] };
    for (let i = 1; i < flat.length; i += 2) {
      if (flat[i + 1]) {
        claim.pulsed.push(flat[i]);
        claim.records.push(flat[i + 1]);
      } else {
        claim.deleted.push(flat[i]);
      }
    }
    return claim;
  }

  private async run(): Promise<void> {
    let failed: DirtyClaim | undefined;
    let failing = false;
    while (this.loop.running) {
      const started = this.clock.nowMs();
      let copied = ROWS_BATCH;
      try {
        // a claim whose write failed is written again first: its lease would only run out in REDRIVE_AFTER_SECONDS
        while (this.loop.running && copied >= ROWS_BATCH) {
          const claim = failed ?? (await this.claim());
          failed = claim;
          copied = await this.copy(claim);
          failed = undefined;
        }
        failing = false;
      } catch (error) {
        if (!failing) {
          this.logger.warn(`heartbeat rows not copied yet, retrying: ${(error as Error).message}`);
          failing = true;
        }
      }
      await this.loop.sleep(Math.max(0, started + PERIOD_MS - this.clock.nowMs()));
    }
  }
}
