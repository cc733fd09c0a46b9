import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { Clock } from '../../common/clock';
import { Env } from '../../config/env';
import { AlertChannel, AlertJob } from '../alerts.types';
import { ALERT_TIMEOUT_MS, alwaysConfigured, isHttpUrl, postWithTimeout } from './http-post';

/**
 * JSON POST to the URL in the target; with WEBHOOK_SECRET, `X-Watchtower-Timestamp` is the sending time in epoch
 * seconds and `X-Watchtower-Signature: sha256=<hex>` the HMAC-SHA256 of `<timestamp>.<exact bytes sent>`, so a
 * receiver verifies the raw body before parsing it and refuses old timestamps: a captured request cannot be
 * replayed later (§8.2). `X-Watchtower-Delivery` is the alert job's id, the same on every retry, so a receiver
 * drops what it already took.
 */
@Injectable()
export class WebhookChannel implements AlertChannel {
  static readonly type = 'webhook';
  static readonly requires = null;
  /** An http(s) URL (§5.2 step 10). */
  static readonly acceptsTarget = isHttpUrl;
  static readonly isConfigured = alwaysConfigured;
  readonly configured = true;
  /** Per attempt; tests shorten it. */
  timeoutMs = ALERT_TIMEOUT_MS;

  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
  ) {}

  async send(alert: AlertJob, deliveryId: string): Promise<void> {
    const { kind, service, title, body, date, context } = alert;
    const raw = Buffer.from(JSON.stringify({ kind, service, title, body, date, context }), 'utf8');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'watchtower',
      'x-watchtower-delivery': deliveryId,
    };
    if (this.env.webhookSecret !== null) {
      // the time of this attempt, not of the fact: a retry an hour later is still fresh
      const timestamp = String(this.clock.seconds());
      const signature = createHmac('sha256', this.env.webhookSecret).update(`${timestamp}.`).update(raw).digest('hex');
      headers['x-watchtower-timestamp'] = timestamp;
      headers['x-watchtower-signature'] = `sha256=${signature}`;
    }
    await postWithTimeout(alert.target, { headers, body: raw }, this.timeoutMs, {
      allowPrivate: this.env.alertAllowPrivateTargets,
    });
  }
}
