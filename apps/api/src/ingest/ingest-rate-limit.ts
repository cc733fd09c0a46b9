import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { StoreUnavailableError } from '../common/hinted-error';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';

const WINDOW_MS = 60_000;

// A rolling window as a sorted set of request times: one atomic script, so every API process shares the budget.
// Returns 0 when the request is admitted (and counted), otherwise the milliseconds until the oldest slot frees.
const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
`;

/** INGEST_RATE_LIMIT requests per key in any 60 s (wire-format.md §4.2 step 3). */
@Injectable()
export class IngestRateLimit {
  constructor(
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  /** 0 when admitted, else the whole seconds (at least 1) until a slot frees: the Retry-After value. */
  async take(agentId: string): Promise<number> {
    const now = this.clock.nowMs();
    // unique members: two requests in the same millisecond, from any process, are two requests
    const member = randomUUID();
    const key = `${this.env.redisPrefix}:ingest:rate:${agentId}`;
    let waitMs: number;
    try {
      waitMs = Number(await this.redis.eval(TAKE, 1, key, now, WINDOW_MS, this.env.ingestRateLimit, member));
    } catch {
      // unlike the auth throttle this guards writes, so it fails closed: the agent retries later
      throw new StoreUnavailableError('the ingest rate limit (Redis)');
    }
    return waitMs <= 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000));
  }
}
