import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUE } from '../common/queues';
import { PingsService } from './pings.service';

@Processor(QUEUE.pings, { concurrency: 10 })
export class PingsProcessor extends WorkerHost {
  constructor(private readonly pings: PingsService) {
    super();
  }

  async process(job: Job<{ service: string }>): Promise<void> {
    await this.pings.ping(job.data.service);
  }
}
