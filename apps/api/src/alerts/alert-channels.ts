import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Env } from '../config/env';
import { AlertChannel, AlertJob } from './alerts.types';
import { LogChannel } from './channels/log.channel';
import { MailChannel } from './channels/mail.channel';
import { PushoverChannel } from './channels/pushover.channel';
import { SlackChannel } from './channels/slack.channel';
import { WebhookChannel } from './channels/webhook.channel';

/** What each channel needs, for the startup warning. */
const NEEDS: Record<string, string> = { mail: 'SMTP_URL', pushover: 'PUSHOVER_TOKEN' };

/** Picks the channel for an alert type (§8.2). */
@Injectable()
export class AlertChannels implements OnApplicationBootstrap {
  private readonly logger = new Logger(AlertChannels.name);
  private readonly channels: Map<string, AlertChannel>;

  constructor(
    log: LogChannel,
    mail: MailChannel,
    pushover: PushoverChannel,
    webhook: WebhookChannel,
    slack: SlackChannel,
    private readonly env: Env,
  ) {
    this.channels = new Map<string, AlertChannel>([
      ['log', log],
      ['mail', mail],
      ['pushover', pushover],
      ['webhook', webhook],
      ['slack', slack],
    ]);
  }

  /** A known channel that is not configured still accepts pulses (§5.2); say so once, loudly, at startup. */
  onApplicationBootstrap(): void {
    for (const [type, channel] of this.channels) {
      if (!channel.configured) {
        const uses = [this.env.defaultAlertType, ...this.env.pings.map((ping) => ping.alertType)].includes(
          type as never,
        )
          ? ' (used by the configuration)'
          : '';
        this.logger.warn(`the ${type} channel is not configured: set ${NEEDS[type]}; ${type} alerts will fail${uses}`);
      }
    }
  }

  get(type: string): AlertChannel {
    return (
      this.channels.get(type) ?? {
        configured: true,
        send: async (alert: AlertJob) => {
          throw new UnrecoverableError(`unknown alert channel ${alert.type}`);
        },
      }
    );
  }
}
