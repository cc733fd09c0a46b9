// Human-readable dates in the display zone (watchtower-protocol.md §1, §5.4, §6.5, §11). Storage stays UTC.

// Constructing an Intl.DateTimeFormat costs far more than using one, and listings format thousands of dates
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      // h23, not hour12: false, which some ICU versions render as 24:xx after midnight
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws an Error naming the zone when Intl does not know it (checked once, at boot). */
export function assertTimeZone(tz: string): void {
  try {
    formatterFor(tz);
  } catch {
    throw new Error(`unknown time zone: ${JSON.stringify(tz)} (expected an IANA name such as Europe/Paris)`);
  }
}

/** `YYYY-MM-DD HH:mm:ss` in the zone: `humanDates=1` renderings. */
export function formatHuman(epochSeconds: number, tz: string): string {
  const p = parts(epochSeconds, tz);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYYMMDD HH:mm:ss` in the zone: the `<since>` of alert and event texts. */
export function formatSince(epochSeconds: number, tz: string): string {
  const p = parts(epochSeconds, tz);
  return `${p.year}${p.month}${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

function parts(epochSeconds: number, tz: string): Record<Field, string> {
  const fields: Record<Field, string> = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
  for (const part of formatterFor(tz).formatToParts(Math.floor(epochSeconds) * 1000)) {
    if (part.type in fields) {
      fields[part.type as Field] = part.value;
    }
  }
  fields.year = fields.year.padStart(4, '0');
  return fields;
}
