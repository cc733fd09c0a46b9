import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { QUEUE } from '../common/queues';
import { OrderedWrites } from './ordered-writes';
import { UNORDERED } from './queue-order';
import { checkBatch } from './persistence.shape';
import { mergeItems, PersistenceBatch } from './persistence.types';
import { PersistenceWriter, PostgresAwayError } from './persistence.writer';

/** While PostgreSQL does not answer, the worker tries the batch at the head of the queue again this often. */
export const POSTGRES_AWAY_RETRY_MS = 1000;

/**
 * Jobs in flight: their writes are merged and kept in queue order (OrderedWrites, which waits out gaps), so ids
 * follow acceptance. With 4, a worker sharing its process with the API (ROLE=all) fell behind under load: each of
 * its queue round trips waits out a turn of HTTP work, so a write carried at most 4 jobs (about 170 events) and
 * 200,000 events left a backlog of 1.7-2.2 s (bench events-all, 4 runs: 14.0-14.8k/s end to end). With 16 (or 8)
 * the tail was under 90 ms and events-all reached 15.1-18.5k/s in the same alternating runs; events-split did not
 * move.
 */
export const PERSISTENCE_IN_FLIGHT = 16;

@Processor(QUEUE.persistence, { concurrency: PERSISTENCE_IN_FLIGHT })
export class PersistenceProcessor extends WorkerHost implements BeforeApplicationShutdown {
  private readonly writes: OrderedWrites<PersistenceBatch>;

  constructor(writer: PersistenceWriter) {
    super();
    this.writes = new OrderedWrites(
      mergeItems,
      async (batch) => writer.write(batch),
      (error) => error instanceof PostgresAwayError,
      POSTGRES_AWAY_RETRY_MS,
    );
  }

  /** Before the worker closes: a batch waiting out an outage goes back to the queue rather than hold the stop. */
  beforeApplicationShutdown(): void {
    this.writes.stop();
  }

  async process(job: Job<unknown>): Promise<void> {
    // ids count up in the order jobs were added (persistence jobs take no id of their own); any other id goes last
    const id = Number(job.id);
    const order = Number.isSafeInteger(id) ? id : UNORDERED;
    let batch: PersistenceBatch;
    try {
      batch = checkBatch(job.data);
    } catch (error) {
      // never written, so the writes queued behind it must not wait for it
      this.writes.pass(order);
      throw error;
    }
    try {
      await this.writes.write(batch, order);
    } catch (error) {
      if (!(error instanceof PostgresAwayError)) {
        throw error;
      }
      // An outage is not the batch's failure: OrderedWrites waits it out with the jobs in flight, in order, and no
      // attempt spent. It reaches here only once the process stops; the batch then goes back to the head of the
      // queue, and this worker pauses for a second.
      await this.worker.rateLimit(POSTGRES_AWAY_RETRY_MS);
      throw Worker.RateLimitError();
    }
  }
}
