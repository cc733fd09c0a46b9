import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QUEUE } from '../common/queues';
import { Env } from '../config/env';
import { AlertChannels } from './alert-channels';
import { AlertDelivery } from './alert-delivery';
import { AlertsProcessor } from './alerts.processor';
import { AlertsService } from './alerts.service';
import { LogChannel } from './channels/log.channel';
import { MailChannel } from './channels/mail.channel';
import { PushoverChannel } from './channels/pushover.channel';
import { SlackChannel } from './channels/slack.channel';
import { WebhookChannel } from './channels/webhook.channel';

@Module({
  imports: [
    BullModule.registerQueueAsync({
      name: QUEUE.alerts,
      inject: [Env],
      useFactory: (env: Env) => ({
        defaultJobOptions: {
          attempts: env.alertAttempts,
          backoff: { type: 'exponential', delay: env.alertBackoffMs },
          // Completed deliveries stay a day so a re-driven detection with the same id is recognised.
          removeOnComplete: { age: 86400 },
          removeOnFail: false,
        },
      }),
    }),
  ],
  providers: [
    AlertsService,
    AlertsProcessor,
    AlertDelivery,
    AlertChannels,
    LogChannel,
    MailChannel,
    PushoverChannel,
    WebhookChannel,
    SlackChannel,
  ],
  exports: [AlertsService, AlertDelivery],
})
export class AlertsModule {}
