import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UnrecoverableError } from 'bullmq';
import { Env } from '../config/env';
import { AlertChannel, AlertJob } from './alerts.types';
import { CHANNELS } from './channels';

/** Picks the channel instance for an alert type (§8.2). */
@Injectable()
export class AlertChannels implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(AlertChannels.name);
  private readonly channels = new Map<string, AlertChannel>();

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly env: Env,
  ) {}

  // Instances exist only once the module is built, not yet in a constructor.
  onModuleInit(): void {
    for (const channel of CHANNELS) {
      this.channels.set(channel.type, this.moduleRef.get<AlertChannel>(channel));
    }
  }

  /** A known channel that is not configured still accepts pulses (§5.2); say so once, loudly, at startup. */
  onApplicationBootstrap(): void {
    const used = new Set<string>([this.env.defaultAlertType, ...this.env.pings.map((ping) => ping.alertType)]);
    for (const channel of CHANNELS) {
      if (!channel.isConfigured(this.env)) {
        const uses = used.has(channel.type) ? ' (used by the configuration)' : '';
        this.logger.warn(
          `the ${channel.type} channel is not configured: set ${channel.requires}; ${channel.type} alerts will fail${uses}`,
        );
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
