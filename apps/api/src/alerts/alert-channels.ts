import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { AlertChannel, AlertJob } from './alerts.types';
import { LogChannel } from './channels/log.channel';

/** Picks the channel for an alert type. Channels not built yet fail their jobs visibly (issue #3). */
@Injectable()
export class AlertChannels {
  private readonly channels: Map<string, AlertChannel>;

  constructor(log: LogChannel) {
    this.channels = new Map<string, AlertChannel>([['log', log]]);
  }

  get(type: string): AlertChannel {
    const channel = this.channels.get(type);
    if (channel) {
      return channel;
    }
    return {
      configured: true,
      send: async (alert: AlertJob) => {
        throw new UnrecoverableError(`alert channel ${alert.type} is not configured on this server`);
      },
    };
  }
}
