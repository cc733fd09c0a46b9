import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { once } from 'node:events';
import Redis from 'ioredis';
import { Env } from '../config/env';

/**
 * While Redis is away, commands fail within seconds (the API answers 503) instead of queueing for
 * minutes behind a growing reconnect backoff; reconnects are retried every second at most.
 */
export const REDIS_RESILIENCE = {
  retryStrategy: (attempt: number): number => Math.min(attempt * 200, 1000),
};

/** The API's own Redis connection (live heartbeat state, deadlines, throttles); BullMQ opens its own. */
@Injectable()
export class RedisClient extends Redis implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisClient.name);

  constructor(@Inject(Env) env: Env) {
    // No offline queue: while disconnected a command fails at once, and the request gets 503 (§3.7).
    super(env.redisUrl, {
      ...REDIS_RESILIENCE,
      enableOfflineQueue: false,
      commandTimeout: 3000,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    });
    // One line per outage, not one per reconnect attempt (ioredis prints every unhandled 'error').
    let down = false;
    this.on('error', (error: Error) => {
      if (!down) {
        down = true;
        this.logger.warn(`Redis unavailable: ${error.message}`);
      }
    });
    this.on('ready', () => (down = false));
  }

  /** Without an offline queue, nothing may run before the first connection is ready. */
  async onModuleInit(): Promise<void> {
    if (this.status !== 'ready') {
      await once(this, 'ready');
    }
    // managed Redis often refuses CONFIG: then there is nothing to check
    const settings = await Promise.all(
      ['appendonly', 'maxmemory-policy', 'maxmemory', 'client-output-buffer-limit'].map(
        async (name) => (await this.config('GET', name)) as string[],
      ),
    )
      .then((pairs) => pairs.flat())
      .catch(() => []);
    for (const warning of durabilityWarnings(settings)) {
      this.logger.warn(warning);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}

/**
 * What an external Redis risks, from its CONFIG GET pairs (`['appendonly', 'no', 'maxmemory-policy', ...]`). The
 * memory bounds are the operator's to set (the quick start's private Redis has them): we only say they are missing.
 */
export function durabilityWarnings(pairs: string[]): string[] {
  const config = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    config.set(pairs[i], pairs[i + 1]);
  }
  const warnings: string[] = [];
  if (config.get('appendonly') === 'no') {
    warnings.push(
      'Redis runs with appendonly no: queued writes and alerts acknowledged before its last snapshot are lost if it restarts (docs/reliability.md)',
    );
  }
  const policy = config.get('maxmemory-policy');
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(
      `Redis evicts keys (maxmemory-policy ${policy}): queued jobs and live heartbeats can vanish under memory pressure; use noeviction`,
    );
  }
  if (config.get('maxmemory') === '0') {
    warnings.push('Redis has no maxmemory: a backlog can grow until the host runs out of memory; set one (noeviction)');
  }
  const normal = /(?:^|\s)normal 0 0 0(?:\s|$)/;
  if (normal.test(config.get('client-output-buffer-limit') ?? '')) {
    warnings.push(
      'Redis bounds no client output buffer (client-output-buffer-limit normal 0 0 0): one slow reader of a large answer can exhaust its memory; e.g. normal 256mb 64mb 60',
    );
  }
  return warnings;
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
