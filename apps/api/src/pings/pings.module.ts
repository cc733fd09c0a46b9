import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUE } from '../common/queues';
import { AlertsModule } from '../alerts/alerts.module';
import { PingsController } from './pings.controller';
import { PingsProcessor } from './pings.processor';
import { PingsScheduler } from './pings.scheduler';
import { PingsService } from './pings.service';

@Module({
  imports: [BullModule.registerQueue({ name: QUEUE.pings }), AlertsModule],
  controllers: [PingsController],
  providers: [PingsService],
  exports: [PingsService, BullModule],
})
export class PingsModule {}

/** The worker half: the schedulers and the probes. */
@Module({ imports: [PingsModule], providers: [PingsScheduler, PingsProcessor] })
export class PingsWorkerModule {}
