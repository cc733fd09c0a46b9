// RFC 3339 date-time (section 5.6), with the 0–9 fraction digits of wire-format.md §1.4. Lowercase `t` and
// `z` are allowed by the RFC's note; a space separator is not. Leap second 60 is refused: no producer emits
// it (Unix clocks never show one) and it has no instant a JavaScript server could compare.
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

// Date.UTC maps years 0–99 to 1900–1999; shifting by 400 years (exactly 146097 days) sidesteps that
const FOUR_CENTURIES_MS = 146097 * 86_400_000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parse(value: string): number | null {
  const m = RFC_3339.exec(value);
  if (m === null) {
    return null;
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  const offsetHour = m[9] === undefined ? 0 : Number(m[9]);
  const offsetMinute = m[10] === undefined ? 0 : Number(m[10]);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59;
  if (!valid) {
    return null;
  }
  const ms = Date.UTC(year + 400, month - 1, day, hour, minute, second) - FOUR_CENTURIES_MS;
  const micros = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0').slice(0, 6));
  const offsetMicros = (m[8] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute) * 60_000_000;
  return ms * 1000 + micros - offsetMicros;
}

/** True when `value` is an RFC 3339 date-time with 0–9 fraction digits and `Z` or a numeric offset (§1.4). */
export function isTimestamp(value: string): boolean {
  return parse(value) !== null;
}

/**
 * The instant of an RFC 3339 timestamp in microseconds since the Unix epoch (fraction digits beyond the
 * sixth are truncated), or `null` when `value` is not a valid timestamp. Exact up to the year 2255; the
 * server uses it for the ±24 h window and for deduplication on (`host_id`, `timestamp`) (§4.2).
 */
export function timestampToEpochMicros(value: string): number | null {
  return parse(value);
}
