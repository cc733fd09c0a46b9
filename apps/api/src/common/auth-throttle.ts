import { Injectable } from '@nestjs/common';
import { Env } from '../config/env';
import { RedisClient } from './redis.module';

/**
 * Failed authentications per client address and minute, counted in Redis so the limit holds across
 * every API process (§3.5). Past the limit every request from the address gets 429 until the minute ends.
 */
@Injectable()
export class AuthThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly env: Env,
  ) {}

  /** Seconds until the block ends, or 0 when the address may try. */
  async blockedFor(address: string): Promise<number> {
    if (this.env.authFailuresPerMinute === 0) {
      return 0;
    }
    const { key, remaining } = this.window(address);
    const count = Number((await this.redis.get(key)) ?? 0);
    return count >= this.env.authFailuresPerMinute ? remaining : 0;
  }

  async recordFailure(address: string): Promise<void> {
    if (this.env.authFailuresPerMinute === 0) {
      return;
    }
    const { key } = this.window(address);
    await this.redis.multi().incr(key).expire(key, 61).exec();
  }

  private window(address: string): { key: string; remaining: number } {
    const now = Math.floor(Date.now() / 1000);
    const minute = Math.floor(now / 60);
    return { key: `${this.env.redisPrefix}:authfail:${minute}:${address}`, remaining: 60 - (now % 60) };
  }
}
