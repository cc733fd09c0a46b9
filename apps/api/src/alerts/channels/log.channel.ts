import { Injectable, Logger } from '@nestjs/common';
import { AlertChannel, AlertJob } from '../alerts.types';

/** The default channel: one structured log line per alert. */
@Injectable()
export class LogChannel implements AlertChannel {
  readonly configured = true;
  private readonly logger = new Logger('Alert');

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
