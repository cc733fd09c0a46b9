import { Global, Injectable, Logger, Module } from '@nestjs/common';
import { Env } from '../config/env';
import { Clock } from './clock';
import { RedisClient } from './redis.module';

const CACHE_MS = 1000;
const MAX_CACHED = 10_000;

/**
 * Failed authentications per client address and minute, counted in Redis so the limit holds across
 * every API process (§3.5). Past the limit every request from the address gets 429 until the minute ends.
 */
@Injectable()
export class AuthThrottle {
  private readonly logger = new Logger(AuthThrottle.name);
  private readonly counts = new Map<string, { count: number; at: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  /** Seconds until the block ends, or 0 when the address may try. */
  async blockedFor(address: string): Promise<number> {
    if (this.env.authFailuresPerMinute === 0) {
      return 0;
    }
    const { key, remaining } = this.window(address);
    const count = await this.count(key);
    return count >= this.env.authFailuresPerMinute ? remaining : 0;
  }

  /**
   * The count of a window, read from Redis at most once a second per address: a block set by another
   * process applies here within a second, and a busy client does not cost a Redis round trip per request.
   */
  private async count(key: string): Promise<number> {
    const now = Date.now();
    const cached = this.counts.get(key);
    if (cached && now - cached.at < CACHE_MS) {
      return cached.count;
    }
    if (this.counts.size > MAX_CACHED) {
      this.counts.clear();
    }
    const count = Number((await this.redis.get(key).catch(() => this.unavailable())) ?? 0);
    this.counts.set(key, { count, at: now });
    return count;
  }

  async recordFailure(address: string): Promise<void> {
    if (this.env.authFailuresPerMinute === 0) {
      return;
    }
    const { key } = this.window(address);
    const replies = await this.redis
      .multi()
      .incr(key)
      .expire(key, 61)
      .exec()
      .catch(() => this.unavailable());
    const count = Number(replies?.[0]?.[1] ?? 0);
    this.counts.set(key, { count, at: Date.now() });
  }

  // Without Redis the throttle fails open: routes that only need PostgreSQL keep answering.
  private unavailable(): null {
    this.logger.warn('auth throttle skipped: Redis unavailable');
    return null;
  }

  private window(address: string): { key: string; remaining: number } {
    const now = this.clock.seconds();
    const minute = Math.floor(now / 60);
    return { key: `${this.env.redisPrefix}:authfail:${minute}:${address}`, remaining: 60 - (now % 60) };
  }
}

/** One throttle for every door (REST, HTTP ingest, the agents' WebSocket upgrade); its counts live in Redis. */
@Global()
@Module({ providers: [AuthThrottle], exports: [AuthThrottle] })
export class AuthThrottleModule {}
