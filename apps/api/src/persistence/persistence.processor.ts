import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, Worker } from 'bullmq';
import { QUEUE } from '../common/queues';
import { checkBatch } from './persistence.shape';
import { PersistenceWriter, PostgresAwayError } from './persistence.writer';

/** While PostgreSQL does not answer, the worker tries the batch at the head of the queue again this often. */
export const POSTGRES_AWAY_RETRY_MS = 1000;

// Concurrency 1 keeps batches in queue order, so event ids follow acceptance order.
@Processor(QUEUE.persistence, { concurrency: 1 })
export class PersistenceProcessor extends WorkerHost {
  constructor(private readonly writer: PersistenceWriter) {
    super();
  }

  async process(job: Job<unknown>): Promise<void> {
    const batch = checkBatch(job.data);
    try {
      await this.writer.write(batch);
    } catch (error) {
      if (!(error instanceof PostgresAwayError)) {
        throw error;
      }
      // An outage is not the batch's failure, so it spends no attempt and no backoff: with exponential retries
      // each batch's next try lands up to an outage's length after PostgreSQL returns (30 s after a 60 s outage).
      // Instead the batch goes back to the head of the queue, in order, and this worker pauses for a second.
      await this.worker.rateLimit(POSTGRES_AWAY_RETRY_MS);
      throw Worker.RateLimitError();
    }
  }
}
