import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Env } from '../config/env';
import { factId } from '../common/fact-key';
import { QUEUE } from '../common/queues';
import { PingsService } from './pings.service';

/** One BullMQ job scheduler per configured monitor; schedulers of monitors no longer configured are removed. */
@Injectable()
export class PingsScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUE.pings) private readonly queue: Queue<{ service: string }>,
    private readonly pings: PingsService,
    private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const ping of this.env.pings) {
      await this.pings.ensureState(ping.service);
      await this.queue.upsertJobScheduler(
        schedulerId(ping.service),
        { every: ping.frequency * 1000 },
        { name: 'ping', data: { service: ping.service }, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    }
    const wanted = new Set(this.env.pings.map((ping) => schedulerId(ping.service)));
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (scheduler.key && !wanted.has(scheduler.key)) {
        await this.queue.removeJobScheduler(scheduler.key);
      }
    }
  }
}

function schedulerId(service: string): string {
  return `ping-${factId([service])}`;
}
