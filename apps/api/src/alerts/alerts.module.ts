import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUE } from '../common/queues';
import { Env } from '../config/env';
import { PersistenceModule } from '../persistence/persistence.module';
import { AlertChannels } from './alert-channels';
import { AlertDelivery } from './alert-delivery';
import { AlertsProcessor } from './alerts.processor';
import { CHANNELS } from './channels';
import { FactsService } from './facts.service';
import { RelayLimits } from './relay-limits';

/** Raising facts (every role): the `alerts` queue and the events written beside it. */
@Module({
  imports: [
    PersistenceModule,
    BullModule.registerQueueAsync({
      name: QUEUE.alerts,
      inject: [Env],
      useFactory: (env: Env) => ({
        defaultJobOptions: {
          attempts: env.alertAttempts,
          backoff: { type: 'exponential', delay: env.alertBackoffMs },
          // Completed deliveries stay a day so a re-driven detection with the same id is recognised; the count
          // bounds Redis when more than 100,000 alerts are delivered in a day (the window then shrinks).
          removeOnComplete: { age: 86400, count: 100_000 },
          // Failed deliveries stay a week for Bull Board, the newest 10,000 at most.
          removeOnFail: { age: 7 * 86400, count: 10_000 },
        },
      }),
    }),
  ],
  providers: [FactsService],
  exports: [FactsService, BullModule],
})
export class AlertsModule {}

/** The worker half: delivery through the channels. */
@Module({
  imports: [AlertsModule],
  providers: [AlertsProcessor, AlertDelivery, AlertChannels, RelayLimits, ...CHANNELS],
  exports: [AlertDelivery],
})
export class AlertsWorkerModule {}
