import { Injectable } from '@nestjs/common';
import { Env } from '../../config/env';
import { contextLines, truncate } from '../alert-format';
import { AlertChannel, AlertJob } from '../alerts.types';
import { ALERT_TIMEOUT_MS, alwaysConfigured, isHttpUrl, postWithTimeout } from './http-post';

// Block Kit refuses longer texts with invalid_blocks (https://api.slack.com/reference/block-kit/blocks)
const HEADER_MAX = 150;
const TEXT_MAX = 3000;

/** A Slack incoming-webhook message; the target is the webhook URL (watchtower-protocol.md §8.2). */
@Injectable()
export class SlackChannel implements AlertChannel {
  static readonly type = 'slack';
  static readonly requires = null;
  /** An http(s) URL (§5.2 step 10). */
  static readonly acceptsTarget = isHttpUrl;
  static readonly isConfigured = alwaysConfigured;
  readonly configured = true;
  /** Per attempt; tests shorten it. */
  timeoutMs = ALERT_TIMEOUT_MS;

  constructor(private readonly env: Env) {}

  async send(alert: AlertJob, deliveryId: string): Promise<void> {
    const lines = contextLines(alert, this.env.tzDisplay);
    const consoleLink = { type: 'mrkdwn', text: `<${this.env.publicUrl}/gui|Open the Watchtower console>` };
    const message = {
      // the notification and screen-reader text; blocks are what the channel shows
      text: mrkdwn(alert.title),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: truncate(alert.title, HEADER_MAX) } },
        // an empty section text is refused, and an event alert may carry an empty message
        { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(alert.body || '(no message)') } },
        {
          type: 'context',
          elements:
            lines.length > 0 ? [{ type: 'mrkdwn', text: mrkdwn(lines.join('\n')) }, consoleLink] : [consoleLink],
        },
      ],
    };
    await postWithTimeout(
      alert.target,
      // Slack ignores the header; receivers speaking Slack's format (Mattermost, relays) can deduplicate on it
      {
        headers: { 'content-type': 'application/json', 'x-watchtower-delivery': deliveryId },
        body: JSON.stringify(message),
      },
      this.timeoutMs,
      { allowPrivate: this.env.alertAllowPrivateTargets },
    );
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack's only mrkdwn escapes, within the length limit counted after escaping; never cuts an escape in half. */
function mrkdwn(text: string): string {
  const parts = Array.from(text, (char) => ESCAPES[char] ?? char);
  const escaped = parts.join('');
  if (escaped.length <= TEXT_MAX) {
    return escaped;
  }
  let kept = '';
  for (const part of parts) {
    if (kept.length + part.length > TEXT_MAX - 1) {
      break;
    }
    kept += part;
  }
  return `${kept}…`;
}
