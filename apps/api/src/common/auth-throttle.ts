import { Global, Injectable, Logger, Module } from '@nestjs/common';
import { Env } from '../config/env';
import { throttleUnit } from './client-address';
import { Clock } from './clock';
import { HintedError } from './hinted-error';
import { RedisClient } from './redis.module';

const CACHE_MS = 1000;
const MAX_CACHED = 10_000;

/** What an authentication attempt earns: through, refused (403, 401), or blocked (429 + Retry-After seconds). */
export type Blocked = { outcome: 'blocked'; retryAfter: number };
export type Verdict = { outcome: 'allowed' } | { outcome: 'refused' } | Blocked;

const ALLOWED: Verdict = { outcome: 'allowed' };
const REFUSED: Verdict = { outcome: 'refused' };

interface Window {
  count: number;
  at: number;
  logged: boolean;
}

/**
 * Failed authentications per client address (an IPv6 /64) and minute, counted in Redis so the limit holds
 * across every API process (§3.5). Past the limit every request from the address gets 429 until the minute ends.
 */
@Injectable()
export class AuthThrottle {
  private readonly logger = new Logger(AuthThrottle.name);
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  /**
   * Checks the budget, compares (`matches`), and spends the budget on a failure, with no await between the
   * check and the spending: parallel wrong guesses in one process cannot all pass the check before any is
   * counted. Across processes the `INCR` reply numbers each failure, and only the first `limit` get a 403.
   */
  async attempt(address: string, matches: () => boolean): Promise<Verdict> {
    const limit = this.env.authFailuresPerMinute;
    if (limit === 0) {
      return matches() ? ALLOWED : REFUSED;
    }
    const { key, remaining } = this.window(address);
    const window = await this.refreshed(key);
    if (window.count >= limit) {
      return this.blocked(address, window, remaining);
    }
    if (matches()) {
      return ALLOWED;
    }
    window.count += 1;
    const shared = await this.increment(key);
    window.count = Math.max(window.count, shared ?? 0);
    return shared !== null && shared > limit ? this.blocked(address, window, remaining) : REFUSED;
  }

  /**
   * True when `matches` lets the request through and no Redis read is due for the decision: the throttle is off, or
   * the address's count was read within the last second and is under the limit. False says only "ask `admit`",
   * which decides again from the start; nothing is counted here, so a failure is spent exactly once, there.
   */
  admitsAtOnce(address: string, matches: () => boolean): boolean {
    const limit = this.env.authFailuresPerMinute;
    if (limit === 0) {
      return matches();
    }
    const known = this.windows.get(this.window(address).key);
    return known !== undefined && Date.now() - known.at < CACHE_MS && known.count < limit && matches();
  }

  /**
   * `attempt` for the envelope's doors (the edge hooks, the console's login): a block is 429 with Retry-After, a
   * refusal 403 with `hint`; it returns only when `matches` let the request through.
   */
  async admit(address: string, matches: () => boolean, hint = 'bad password'): Promise<void> {
    const verdict = await this.attempt(address, matches);
    if (verdict.outcome === 'blocked') {
      throw new HintedError(429, 'too many requests', { 'retry-after': String(verdict.retryAfter) });
    }
    if (verdict.outcome === 'refused') {
      throw new HintedError(403, hint);
    }
  }

  /** Seconds until the block ends, or 0 when the address may try (for doors whose check is asynchronous). */
  async blockedFor(address: string): Promise<number> {
    if (this.env.authFailuresPerMinute === 0) {
      return 0;
    }
    const { key, remaining } = this.window(address);
    const window = await this.refreshed(key);
    return window.count >= this.env.authFailuresPerMinute ? this.blocked(address, window, remaining).retryAfter : 0;
  }

  async recordFailure(address: string): Promise<void> {
    if (this.env.authFailuresPerMinute === 0) {
      return;
    }
    const { key } = this.window(address);
    const window = this.cached(key);
    window.count += 1;
    window.count = Math.max(window.count, (await this.increment(key)) ?? 0);
  }

  /**
   * The count of a window, read from Redis at most once a second per address: a block set by another
   * process applies here within a second, and a busy client does not cost a Redis round trip per request.
   * Failures counted here meanwhile are kept (the larger count wins).
   */
  private async refreshed(key: string): Promise<Window> {
    const now = Date.now();
    const known = this.windows.get(key);
    if (known && now - known.at < CACHE_MS) {
      return known;
    }
    const shared = Number((await this.redis.get(key).catch(() => this.unavailable())) ?? 0);
    const window = this.cached(key);
    window.count = Math.max(window.count, shared);
    window.at = now;
    return window;
  }

  private cached(key: string): Window {
    let window = this.windows.get(key);
    if (window === undefined) {
      if (this.windows.size > MAX_CACHED) {
        this.windows.clear();
      }
      window = { count: 0, at: 0, logged: false };
      this.windows.set(key, window);
    }
    return window;
  }

  private async increment(key: string): Promise<number | null> {
    const replies = await this.redis
      .multi()
      .incr(key)
      .expire(key, 61)
      .exec()
      .catch(() => this.unavailable());
    const count = replies?.[0]?.[1];
    return typeof count === 'number' ? count : null;
  }

  // Once per address and minute per process: enough to find who is blocked without a line per request
  private blocked(address: string, window: Window, retryAfter: number): Blocked {
    if (!window.logged) {
      window.logged = true;
      this.logger.warn(
        `auth throttle: blocking ${JSON.stringify(address)} (${throttleUnit(address)}) for ${retryAfter} s after ` +
          `${this.env.authFailuresPerMinute} failed authentications`,
      );
    }
    return { outcome: 'blocked', retryAfter };
  }

  // Without Redis the throttle fails open (but for this process's own counts): routes that only need
  // PostgreSQL keep answering.
  private unavailable(): null {
    this.logger.warn('auth throttle skipped: Redis unavailable');
    return null;
  }

  private window(address: string): { key: string; remaining: number } {
    const now = this.clock.seconds();
    const minute = Math.floor(now / 60);
    const unit = throttleUnit(address);
    return { key: `${this.env.redisPrefix}:authfail:${minute}:${unit}`, remaining: 60 - (now % 60) };
  }
}

/** One throttle for every door (REST, HTTP ingest, the agents' WebSocket upgrade, Bull Board); counts live in Redis. */
@Global()
@Module({ providers: [AuthThrottle], exports: [AuthThrottle] })
export class AuthThrottleModule {}
