import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Env } from '../config/env';

/** The API's own Redis connection (live heartbeat state, deadlines, throttles); BullMQ opens its own. */
@Injectable()
export class RedisClient extends Redis implements OnApplicationShutdown {
  constructor(@Inject(Env) env: Env) {
    super(env.redisUrl, { maxRetriesPerRequest: 3, enableAutoPipelining: true, lazyConnect: false });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
