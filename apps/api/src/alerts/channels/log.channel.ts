import { Injectable, Logger } from '@nestjs/common';
import { AlertChannel, AlertJob } from '../alerts.types';

/** The default channel: one structured log line per alert. */
@Injectable()
export class LogChannel implements AlertChannel {
  static readonly type = 'log';
  static readonly requires = null;
  readonly configured = true;
  private readonly logger = new Logger('Alert');

  static acceptsTarget(): boolean {
    return true;
  }

  static isConfigured(): boolean {
    return true;
  }

  async send(alert: AlertJob): Promise<void> {
    this.logger.warn(
      JSON.stringify({
        kind: alert.kind,
        service: alert.service,
        target: alert.target,
        title: alert.title,
        body: alert.body,
      }),
    );
  }
}
