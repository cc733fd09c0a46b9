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
  }

  async onApplicationShutdown(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
