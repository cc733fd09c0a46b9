import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUE } from '../common/queues';
import { HeartbeatModule } from '../heartbeat/heartbeat.module';
import { MaintenanceProcessor } from './maintenance.processor';
import { MaintenanceService } from './maintenance.service';

/** The queue, in every role, so Bull Board shows it. */
@Module({
  imports: [
    BullModule.registerQueue({
      name: QUEUE.maintenance,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 60_000 },
        // jobs added by hand (Bull Board) are bounded like the scheduler's own
        removeOnComplete: { count: 100 },
        removeOnFail: 100,
      },
    }),
  ],
  exports: [BullModule],
})
export class MaintenanceModule {}

/** The worker half: the daily scheduler and the purges it runs. */
@Module({ imports: [MaintenanceModule, HeartbeatModule], providers: [MaintenanceService, MaintenanceProcessor] })
export class MaintenanceWorkerModule {}
