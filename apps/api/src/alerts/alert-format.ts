import { formatHuman } from '../common/display-dates';
import { AlertJob } from './alerts.types';

const EVENT_MESSAGE_MAX = 200;

/**
 * The alert's context as human lines (issue #3), in the display zone. A line whose data is absent is left out.
 * Host figures come before the recent events so that a channel that truncates (Pushover) drops old events first.
 */
export function contextLines(alert: AlertJob, zone: string): string[] {
  const { lastPulse, lateBySeconds, nextIn, recentEvents, host } = alert.context;
  const lines: string[] = [];
  if (lastPulse !== undefined) {
    lines.push(`Last pulse: ${formatHuman(lastPulse, zone)} (${zone})`);
  }
  if (lateBySeconds !== undefined) {
    lines.push(`Late by: ${duration(lateBySeconds)}`);
  }
  if (nextIn !== undefined) {
    // in seconds, the unit the client chose its nextIn in, so the figure is recognisable
    lines.push(`Expected every: ${nextIn} s`);
  }
  for (const [key, value] of Object.entries(host ?? {})) {
    lines.push(`Host ${key}: ${value}`);
  }
  if (recentEvents !== undefined && recentEvents.length > 0) {
    lines.push('Recent events:');
    for (const event of recentEvents) {
      const message = truncate(event.message.replace(/\r\n|\r|\n/g, '⏎'), EVENT_MESSAGE_MAX);
      lines.push(`  ${formatHuman(event.date, zone)} [level ${event.level}]${message === '' ? '' : ` ${message}`}`);
    }
  }
  return lines;
}

/** The mail body: the alert's body, a blank line, then the context lines (the blank line only when there are some). */
export function plainText(alert: AlertJob, zone: string): string {
  return [alert.body, contextLines(alert, zone).join('\n')].filter((part) => part !== '').join('\n\n');
}

/**
 * At most `max` characters, the last one `…` when something was cut. Counts code points, so an emoji is never
 * split into a lone surrogate (providers reject those).
 */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** `1 d 2 h 3 min 4 s`, zero parts left out; whole seconds. */
function duration(seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) {
    parts.push(`${rest} s`);
  }
  return parts.join(' ');
}
