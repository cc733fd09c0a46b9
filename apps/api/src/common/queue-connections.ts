import { BullModule } from '@nestjs/bullmq';
import { DynamicModule } from '@nestjs/common';
import { Processor, RedisOptions, Worker, WorkerOptions } from 'bullmq';
import { Env } from '../config/env';
import { REDIS_RESILIENCE } from './redis.module';

/**
 * Every Queue (the producers): while Redis is away an `add` fails at once and the request gets 503 (§3.7),
 * and no command reaches Redis after its caller was answered, so a 503 means nothing was stored. Before the
 * first connection is ready BullMQ itself waits for it, so adds made during startup wait instead of failing.
 */
export function producerConnection(env: Env): RedisOptions {
  return {
    url: env.redisUrl,
    ...REDIS_RESILIENCE,
    // a command issued while disconnected is rejected, not kept and sent on reconnect
    enableOfflineQueue: false,
    // a command in flight when the connection drops is rejected at the drop and never re-sent
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
}

/** A worker waits out a Redis restart on its queue's Redis and carries on (what BullMQ requires of workers). */
export function workerConnection(queueConnection: RedisOptions): RedisOptions {
  return {
    ...queueConnection,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    autoResendUnfulfilledCommands: true,
  };
}

/**
 * Stalled-job recovery: a job held by a process that died is taken back once its lock expires and the next
 * stalled check of any worker runs, so within LOCK_DURATION_MS + STALLED_INTERVAL_MS (10 s, BullMQ's
 * defaults give 30-60 s). The lock is renewed every 2.5 s, so only an event loop blocked for 5 s loses a
 * live job's lock; then the job runs twice, which every processor tolerates (idempotent writes, alerts
 * deduplicated by job id). A job that stalls MAX_STALLED_COUNT times in a row (it kills its worker) fails.
 */
export const STALL_RECOVERY = { lockDuration: 5000, stalledInterval: 5000, maxStalledCount: 3 } as const;

// @nestjs/bullmq hands each @Processor worker its queue's connection options (BullExplorer.handleProcessor):
// without this class the workers would fail fast like the producers.
class QueueWorker extends Worker {
  constructor(name: string, processor: Processor, opts: WorkerOptions) {
    super(name, processor, {
      ...STALL_RECOVERY,
      ...opts,
      connection: workerConnection(opts.connection as RedisOptions),
    });
  }
}

/** BullMQ's shared configuration: queues on producer connections, their workers on worker connections. */
export function queueRoot(env: Env): DynamicModule {
  BullModule.workerClass = QueueWorker;
  return BullModule.forRoot({ connection: producerConnection(env), prefix: env.redisPrefix });
}
