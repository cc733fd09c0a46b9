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

export function channelRules(type: AlertType): ChannelRules {
  return CHANNELS.find((channel) => channel.type === type) as ChannelRules;
}
