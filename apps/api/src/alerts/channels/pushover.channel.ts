import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Env } from '../../config/env';
import { plainText, truncate } from '../alert-format';
import { AlertChannel, AlertJob } from '../alerts.types';
import { ALERT_TIMEOUT_MS, postWithTimeout } from './http-post';

// Pushover refuses longer fields with a 400 (https://pushover.net/api#limits)
const TITLE_MAX = 250;
const MESSAGE_MAX = 1024;

/** Pushover: the target is a user or group key, PUSHOVER_TOKEN the application token (watchtower-protocol.md §8.2). */
@Injectable()
export class PushoverChannel implements AlertChannel {
  static readonly type = 'pushover';
  static readonly requires = 'PUSHOVER_TOKEN';
  readonly configured: boolean;
  /** Per attempt; tests shorten it. */
  timeoutMs = ALERT_TIMEOUT_MS;

  constructor(private readonly env: Env) {
    this.configured = PushoverChannel.isConfigured(env);
  }

  /** A user or group key: Pushover alone knows which exist. */
  static acceptsTarget(): boolean {
    return true;
  }

  static isConfigured(env: Env): boolean {
    return env.pushoverToken !== null;
  }

  async send(alert: AlertJob): Promise<void> {
    if (this.env.pushoverToken === null) {
      throw new UnrecoverableError('alert channel pushover is not configured on this server (set PUSHOVER_TOKEN)');
    }
    const form = new URLSearchParams({
      token: this.env.pushoverToken,
      user: alert.target,
      title: truncate(alert.title, TITLE_MAX),
      message: truncate(plainText(alert, this.env.tzDisplay), MESSAGE_MAX),
      // the time of the fact, not of a delivery that may come after retries
      timestamp: String(Math.floor(alert.date)),
      url: `${this.env.publicUrl}/gui`,
      url_title: 'Watchtower console',
    });
    await postWithTimeout(
      this.env.pushoverApiUrl,
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
      this.timeoutMs,
    );
  }
}
