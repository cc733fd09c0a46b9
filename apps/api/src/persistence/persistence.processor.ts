import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUE } from '../common/queues';
import { PersistenceWriter } from './persistence.writer';
import { PersistenceBatch } from './persistence.types';

// Concurrency 1 keeps batches in queue order, so event ids follow acceptance order.
@Processor(QUEUE.persistence, { concurrency: 1 })
export class PersistenceProcessor extends WorkerHost {
  constructor(private readonly writer: PersistenceWriter) {
    super();
  }

  async process(job: Job<PersistenceBatch>): Promise<void> {
    await this.writer.write(job.data);
  }
}
