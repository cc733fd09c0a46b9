import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUE } from '../common/queues';
import { PersistenceProcessor } from './persistence.processor';
import { PersistenceService } from './persistence.service';
import { PersistenceWriter } from './persistence.writer';

@Module({
  imports: [
    BullModule.registerQueue({
      name: QUEUE.persistence,
      defaultJobOptions: {
        attempts: 20,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: true,
        // A batch that keeps failing stays in Bull Board with its rows so an operator can retry it; the newest
        // 1,000 are kept (each up to 4 MiB) so a long outage cannot fill Redis with them.
        removeOnFail: { count: 1000 },
      },
    }),
  ],
  providers: [PersistenceService],
  exports: [PersistenceService, BullModule],
})
export class PersistenceModule {}

/** The worker half (ROLE=worker or all): batches written to PostgreSQL. */
@Module({ imports: [PersistenceModule], providers: [PersistenceWriter, PersistenceProcessor] })
export class PersistenceWorkerModule {}
