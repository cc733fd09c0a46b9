import { tooLong, withoutNul } from '../../common/fields';
import { HintedError, quoteForHint } from '../../common/hinted-error';
import type { Env } from '../../config/env';
import { LogChannel } from './log.channel';
import { MailChannel } from './mail.channel';
import { PushoverChannel } from './pushover.channel';
import { SlackChannel } from './slack.channel';
import { WebhookChannel } from './webhook.channel';

/** What each channel class declares about itself; the instance does the sending. */
interface ChannelRules {
  readonly type: string;
  /** The variable the channel cannot work without, named in warnings; null when it needs none. */
  readonly requires: string | null;
  /** Whether a target can ever work: checked at pulse time and at boot for PINGS (§5.2 step 10). */
  acceptsTarget(target: string): boolean;
  isConfigured(env: Env): boolean;
}

/** Every alert channel, declared once, in the order hints list them (watchtower-protocol.md §5.2 step 9). */
export const CHANNELS = [
  LogChannel,
  MailChannel,
  PushoverChannel,
  SlackChannel,
  WebhookChannel,
] as const satisfies readonly ChannelRules[];

export type AlertType = (typeof CHANNELS)[number]['type'];

export const ALERT_TYPES: readonly AlertType[] = CHANNELS.map((channel) => channel.type);

export function isAlertType(type: string): type is AlertType {
  return (ALERT_TYPES as readonly string[]).includes(type);
}

/** The 400 hint for a type no channel declares (§5.2 step 9); the OpenAPI examples show it too. */
export function unknownAlertTypeHint(given: string): string {
  return `unknown alert type: ${quoteForHint(given)} (available: ${ALERT_TYPES.join(', ')})`;
}

export function channelRules(type: AlertType): ChannelRules {
  return CHANNELS.find((channel) => channel.type === type) as ChannelRules;
}

const MAX_TARGET = 1024;

/**
 * An alert type and target from a request body, with the checks and hints of §5.2 steps 8 to 10 in their
 * order: the pulse and agent enrollment both take a channel this way. Presence is the caller's rule.
 */
export function parseAlertChannel(rawType: unknown, rawTarget: unknown): { alertType: AlertType; alertTarget: string } {
  if (typeof rawTarget !== 'string' || tooLong(rawTarget, MAX_TARGET)) {
    throw new HintedError(400, `alert target must be a string of 1 to ${MAX_TARGET} characters`);
  }
  const alertType = typeof rawType === 'string' ? rawType : JSON.stringify(rawType);
  if (!isAlertType(alertType)) {
    throw new HintedError(400, unknownAlertTypeHint(alertType));
  }
  const alertTarget = withoutNul(rawTarget);
  if (!channelRules(alertType).acceptsTarget(alertTarget)) {
    throw new HintedError(400, `invalid alert target for ${alertType}`);
  }
  return { alertType, alertTarget };
}
