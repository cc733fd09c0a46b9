import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { Env } from '../../config/env';
import { AlertChannel, AlertJob } from '../alerts.types';
import { ALERT_TIMEOUT_MS, alwaysConfigured, isHttpUrl, postWithTimeout } from './http-post';

/**
 * JSON POST to the URL in the target; with WEBHOOK_SECRET, `X-Watchtower-Signature: sha256=<hex>` is the
 * HMAC-SHA256 of the exact bytes sent, so receivers verify the raw body before parsing it (§8.2).
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

  constructor(private readonly env: Env) {}

  async send(alert: AlertJob): Promise<void> {
    const { kind, service, title, body, date, context } = alert;
    const raw = Buffer.from(JSON.stringify({ kind, service, title, body, date, context }), 'utf8');
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'watchtower' };
    if (this.env.webhookSecret !== null) {
      headers['x-watchtower-signature'] =
        `sha256=${createHmac('sha256', this.env.webhookSecret).update(raw).digest('hex')}`;
    }
    await postWithTimeout(alert.target, { headers, body: raw }, this.timeoutMs);
  }
}
