import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { QUEUE } from '../common/queues';
import { queueStats } from '../common/queue-stats';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';

/** Rejects after `ms`: a store that hangs must not hang the probe (load balancers time out in seconds). */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('health check timed out')), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function passes(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  return within(ms, check()).catch(() => false);
}

/**
 * Each part of readiness, named as `/health/ready` reports it. Only names leave the process: the probe is
 * unauthenticated, so counts, ages and error messages stay out of the answer.
 */
@Injectable()
export class HealthChecks {
  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
    private readonly redis: RedisClient,
    @InjectDataSource() private readonly db: DataSource,
    private readonly modules: ModuleRef,
  ) {}

  /** The names of the failing parts; empty when ready. */
  async failing(): Promise<string[]> {
    const ms = this.env.healthCheckTimeoutMs;
    const parts: [string, () => Promise<boolean>][] = [
      ['postgres', async () => (await this.db.query('SELECT 1 AS ok'))[0]?.ok === 1],
      ['redis', async () => (await this.redis.ping()) === 'PONG'],
      ...Object.values(QUEUE).map((name): [string, () => Promise<boolean>] => [
        `queue:${name}`,
        async () => this.queueWithinLimits(name),
      ]),
    ];
    // only a worker process sweeps; an `api` process has no sweeper to report on
    if (this.env.role !== 'api') {
      parts.push(['sweeper', async () => this.sweeperAlive()]);
    }
    const results = await Promise.all(parts.map(async ([name, check]) => ((await passes(ms, check)) ? null : name)));
    return results.filter((name): name is string => name !== null);
  }

  private async queueWithinLimits(name: string): Promise<boolean> {
    const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
    const stats = await queueStats(queue, this.clock.nowMs());
    return (
      stats.waiting <= this.env.healthQueueMaxWaiting &&
      (stats.oldestWaitingSeconds ?? 0) <= this.env.healthQueueMaxWaitSeconds
    );
  }

  /** The sweeper refreshes `<prefix>:hb:alive` every second (5 s TTL): absent means no sweep ran lately. */
  private async sweeperAlive(): Promise<boolean> {
    return (await this.redis.exists(`${this.env.redisPrefix}:hb:alive`)) === 1;
  }
}
