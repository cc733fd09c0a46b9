import { Injectable, Logger } from '@nestjs/common';
import { RedisClient } from '../common/redis.module';
import { withDeadline } from '../common/hinted-error';
import { Env } from '../config/env';
import { PingStatesRepository } from '../database/repositories';

/** What a URL monitor remembers; times in epoch seconds, lastPing 0 before the first attempt. */
export interface PingStateValue {
  lastPing: number;
  lastPingSuccess: number;
  alerted: boolean;
}

/** How long a mirror write or a seed read may wait for PostgreSQL before the monitor goes on without it. */
const DATABASE_WAIT_MS = 2000;

// Creates the hash only when absent, in one step, so two booting processes cannot mix their fields.
const SEED = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'lastPing', ARGV[1], 'lastPingSuccess', ARGV[2], 'alerted', ARGV[3])
return 1`;

/**
 * The live state of URL monitors, one Redis hash each: every decision reads it there, so monitors keep flipping
 * and alerting while PostgreSQL is down. `ping_states` is a best-effort mirror that survives a loss of Redis's
 * data and seeds the hash again.
 */
@Injectable()
export class PingStateStore {
  private readonly logger = new Logger(PingStateStore.name);

  constructor(
    private readonly redis: RedisClient,
    private readonly mirror: PingStatesRepository,
    private readonly env: Env,
  ) {}

  /** Seeds an absent hash from the mirror, or as up since `now` when the mirror has nothing or is unreachable. */
  async ensure(service: string, now: number): Promise<void> {
    if ((await this.redis.exists(this.key(service))) === 1) {
      return;
    }
    const stored = await this.fromDatabase(service, now);
    await this.redis.eval(
      SEED,
      1,
      this.key(service),
      String(stored.lastPing),
      String(stored.lastPingSuccess),
      stored.alerted ? '1' : '0',
    );
  }

  async get(service: string): Promise<PingStateValue | null> {
    return parse(await this.redis.hgetall(this.key(service)));
  }

  /** The states of these monitors, in one round trip. */
  async many(services: readonly string[]): Promise<Map<string, PingStateValue>> {
    const states = new Map<string, PingStateValue>();
    if (services.length === 0) {
      return states;
    }
    const pipeline = this.redis.pipeline();
    services.forEach((service) => pipeline.hgetall(this.key(service)));
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, fields], i) => {
      const state = error ? null : parse(fields as Record<string, string>);
      if (state) {
        states.set(services[i], state);
      }
    });
    return states;
  }

  /** Redis first, the decision's source; then the mirror, whose failure is only logged. */
  async save(service: string, state: PingStateValue): Promise<void> {
    await this.redis.hset(this.key(service), {
      lastPing: String(state.lastPing),
      lastPingSuccess: String(state.lastPingSuccess),
      alerted: state.alerted ? '1' : '0',
    });
    try {
      await withDeadline(
        this.mirror.save({
          service,
          lastPing: state.lastPing === 0 ? null : new Date(state.lastPing * 1000),
          lastPingSuccess: new Date(state.lastPingSuccess * 1000),
          alerted: state.alerted,
        }),
        DATABASE_WAIT_MS,
        'PostgreSQL',
      );
    } catch (error) {
      this.logger.warn(`ping state of ${service} not mirrored to PostgreSQL: ${(error as Error).message}`);
    }
  }

  private async fromDatabase(service: string, now: number): Promise<PingStateValue> {
    const fresh = { lastPing: 0, lastPingSuccess: now, alerted: false };
    try {
      await withDeadline(this.mirror.ensure(service, new Date(now * 1000)), DATABASE_WAIT_MS, 'PostgreSQL');
      const row = await withDeadline(this.mirror.get(service), DATABASE_WAIT_MS, 'PostgreSQL');
      if (!row) {
        return fresh;
      }
      return {
        lastPing: row.lastPing ? seconds(row.lastPing) : 0,
        lastPingSuccess: seconds(row.lastPingSuccess),
        alerted: row.alerted,
      };
    } catch (error) {
      this.logger.warn(
        `ping state of ${service} not read from PostgreSQL, starting as up: ${(error as Error).message}`,
      );
      return fresh;
    }
  }

  private key(service: string): string {
    return `${this.env.redisPrefix}:ping:${service}`;
  }
}

function parse(fields: Record<string, string>): PingStateValue | null {
  if (fields.lastPingSuccess === undefined) {
    return null;
  }
  return {
    lastPing: Number(fields.lastPing) || 0,
    lastPingSuccess: Number(fields.lastPingSuccess) || 0,
    alerted: fields.alerted === '1',
  };
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
