import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUE } from '../common/queues';
import { checkBatch } from './persistence.shape';
import { PersistenceWriter } from './persistence.writer';

// Concurrency 1 keeps batches in queue order, so event ids follow acceptance order.
@Processor(QUEUE.persistence, { concurrency: 1 })
export class PersistenceProcessor extends WorkerHost {
  constructor(private readonly writer: PersistenceWriter) {
    super();
  }

  async process(job: Job<unknown>): Promise<void> {
    await this.writer.write(checkBatch(job.data));
  }
}
