import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUE } from '../common/queues';
import { AlertsModule } from '../alerts/alerts.module';
import { PingsController } from './pings.controller';
import { PingsProcessor } from './pings.processor';
import { PingsScheduler } from './pings.scheduler';
import { PingsService } from './pings.service';
import { PingStateStore } from './ping-state.store';

@Module({
  imports: [
    BullModule.registerQueue({
      name: QUEUE.pings,
      // the scheduler sets its own bounds; these cover jobs added by hand (Bull Board)
      defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
    }),
    AlertsModule,
  ],
  controllers: [PingsController],
  providers: [PingsService, PingStateStore],
  exports: [PingsService, BullModule],
})
export class PingsModule {}

/** The worker half: the schedulers and the probes. */
@Module({ imports: [PingsModule], providers: [PingsScheduler, PingsProcessor] })
export class PingsWorkerModule {}
