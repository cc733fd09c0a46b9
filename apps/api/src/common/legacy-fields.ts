import { HintedError, quoteForHint } from './hinted-error';

// Validation and coercion of the watchTower bodies and queries (watchtower-protocol.md §3.8, §5.2, §5.7,
// §7.2-§7.5). Inputs are the parsed body or query: JSON values, or strings for form bodies and queries.

export interface PulseInput {
  service: string;
  nextIn: number;
  alertType: string;
  alertTarget: string;
  repeatEvery?: number;
}

export interface EventInput {
  service: string;
  message: string;
  level: number;
  alert: boolean;
}

export interface EventsQuery {
  from: number;
  to: number;
  level?: number;
  service?: string;
  message?: string;
  limit: number;
  cursor?: { date: number; id: string };
  humanDates: boolean;
}

const MAX_SERVICE = 255;
const MAX_MESSAGE = 65536;
const MAX_TARGET = 1024;
const MAX_NEXT_IN = 31536000;
const MIN_REPEAT_EVERY = 60;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const BIGINT_MAX = 9223372036854775807n;
const MIN_EPOCH = -62135596800;
const MAX_EPOCH = 253402300799;

/** Steps 1-11 of §5.2, in order; the service limit (step 12) needs the store. */
export function parsePulse(body: Record<string, unknown>, channels: readonly string[]): PulseInput {
  const rawService = field(body, 'service');
  const rawNextIn = field(body, 'nextIn');
  const rawTarget = field(body, 'alertTarget');
  const rawType = field(body, 'alertType');
  requirePresent(rawService, 'no service provided');
  requirePresent(rawNextIn, 'no nextIn provided');
  requirePresent(rawTarget, 'no alert target provided');
  requirePresent(rawType, 'no alert type provided');
  const service = toService(rawService);
  const nextIn = toTruncated(rawNextIn);
  if (nextIn === undefined || nextIn < 1) {
    throw new HintedError(400, 'nextIn must be a positive number');
  }
  if (nextIn > MAX_NEXT_IN) {
    throw new HintedError(400, `nextIn must not exceed ${MAX_NEXT_IN}`);
  }
  if (typeof rawTarget !== 'string' || tooLong(rawTarget, MAX_TARGET)) {
    throw new HintedError(400, `alert target must be a string of 1 to ${MAX_TARGET} characters`);
  }
  const alertType = typeof rawType === 'string' ? rawType : JSON.stringify(rawType);
  if (!channels.includes(alertType)) {
    throw new HintedError(400, `unknown alert type: ${quoteForHint(alertType)} (available: ${channels.join(', ')})`);
  }
  const alertTarget = withoutNul(rawTarget);
  if (!suitsChannel(alertType, alertTarget)) {
    throw new HintedError(400, `invalid alert target for ${alertType}`);
  }
  const input: PulseInput = { service, nextIn, alertType, alertTarget };
  const rawRepeat = field(body, 'repeatEvery');
  if (isPresent(rawRepeat)) {
    const repeatEvery = toTruncated(rawRepeat);
    if (repeatEvery === undefined || repeatEvery < MIN_REPEAT_EVERY || repeatEvery > MAX_NEXT_IN) {
      throw new HintedError(400, `repeatEvery must be between ${MIN_REPEAT_EVERY} and ${MAX_NEXT_IN}`);
    }
    input.repeatEvery = repeatEvery;
  }
  return input;
}

/** The cancel body (§5.3): steps 1 and 5 of §5.2. */
export function parseServiceOnly(body: Record<string, unknown>): string {
  const rawService = field(body, 'service');
  requirePresent(rawService, 'no service provided');
  return toService(rawService);
}

/** §5.7: presence of service and message, then their values (§3.8); level (§7.2) and alert never fail. */
export function parseEvent(body: Record<string, unknown>): EventInput {
  const rawService = field(body, 'service');
  const rawMessage = field(body, 'message');
  requirePresent(rawService, 'no service provided');
  if (rawMessage === undefined || rawMessage === null) {
    throw new HintedError(400, 'no message provided');
  }
  const service = toService(rawService);
  const message = toMessage(rawMessage);
  return { service, message, level: coerceLevel(field(body, 'level')), alert: isTruthy(field(body, 'alert')) };
}

// §7.2: anything that is not a 32-bit integer (or its decimal text) becomes 0
function coerceLevel(value: unknown): number {
  const level =
    typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? +value : NaN;
  // `| 0` also turns -0 into 0
  return Number.isInteger(level) && level >= INT32_MIN && level <= INT32_MAX ? level | 0 : 0;
}

// Python truthiness, as the reference evaluated `alert` (§5.7): empty arrays and objects are false
function isTruthy(value: unknown): boolean {
  return typeof value === 'object' && value !== null ? Object.keys(value).length > 0 : Boolean(value);
}

/** §7.3-§7.5, checked in parameter order. Patterns come back raw: compileSearchPattern checks them. */
export function parseEventsQuery(
  query: Record<string, unknown>,
  now: number,
  limits: { defaultLimit: number; maxLimit: number },
): EventsQuery {
  return {
    from: param(query, 'from', 'invalid from', parseInstant) ?? now - 86400,
    to: param(query, 'to', 'invalid to', parseInstant) ?? now,
    level: param(query, 'level', 'invalid level', (text, hint) => parseInteger(text, INT32_MIN, INT32_MAX, hint)),
    service: param(query, 'service', 'invalid service regex: expected text', String),
    message: param(query, 'message', 'invalid message regex: expected text', String),
    limit:
      param(query, 'limit', 'invalid limit', (text, hint) => parseInteger(text, 1, limits.maxLimit, hint)) ??
      limits.defaultLimit,
    cursor: param(query, 'cursor', 'invalid cursor', decodeCursor),
    humanDates: isHumanDates(field(query, 'humanDates')),
  };
}

/** The `next` value of §7.5: base64url, no padding, of `<date>:<id>`. */
export function encodeCursor(date: number, id: string): string {
  return Buffer.from(`${date}:${id}`, 'utf8').toString('base64url');
}

/** `humanDates` is on only for exactly `1` (§5.4); a repeated query key counts by its last value. */
export function isHumanDates(value: unknown): boolean {
  return last(value) === '1';
}

function field(input: Record<string, unknown>, name: string): unknown {
  // own keys only: `constructor` and friends must read as absent, never as Object.prototype members
  return Object.hasOwn(input, name) ? input[name] : undefined;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function requirePresent(value: unknown, hint: string): void {
  if (!isPresent(value)) {
    throw new HintedError(400, hint);
  }
}

// §3.8: a JSON number is stored as its decimal text (42 -> "42"); nothing else is rewritten but U+0000
function toService(value: unknown): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || text === '' || tooLong(text, MAX_SERVICE)) {
    throw new HintedError(400, `service must be a string of 1 to ${MAX_SERVICE} characters`);
  }
  return withoutNul(text);
}

function toMessage(value: unknown): string {
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string' || tooLong(text, MAX_MESSAGE)) {
    throw new HintedError(400, `message must be a string of at most ${MAX_MESSAGE} characters`);
  }
  return withoutNul(text);
}

// PostgreSQL text cannot hold U+0000 (§3.8)
function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text;
}

// Lengths count characters (code points), as PostgreSQL does; the UTF-16 length is an upper bound
function tooLong(text: string, max: number): boolean {
  return text.length > max && text.length - (text.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0) > max;
}

// §5.2 step 6 number rule, shared by nextIn and repeatEvery: undefined when the value is not a number
function toTruncated(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.trunc(value) + 0 : undefined;
  }
  if (typeof value === 'string' && /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(value)) {
    return Math.trunc(Number(value)) + 0;
  }
  return undefined;
}

function suitsChannel(type: string, target: string): boolean {
  switch (type) {
    case 'mail':
      return target.split(',').every((address) => /^[^\s@,]+@[^\s@,]+$/.test(address.trim()));
    case 'webhook':
    case 'slack':
      return isHttpUrl(target);
    default:
      return true;
  }
}

function isHttpUrl(target: string): boolean {
  // the URL parser forgives blanks and missing slashes; a stored target must not depend on that
  try {
    return /^https?:\/\/[^\s/?#]\S*$/i.test(target) && new URL(target).hostname !== '';
  } catch {
    return false;
  }
}

function last(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

// A query value: the last of a repeated key; absent or empty means undefined (§7.3)
function param<T>(
  query: Record<string, unknown>,
  name: string,
  hint: string,
  parse: (text: string, hint: string) => T,
): T | undefined {
  const value = last(field(query, name));
  if (!isPresent(value)) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new HintedError(400, hint);
  }
  return parse(value, hint);
}

function parseInteger(text: string, min: number, max: number, hint: string): number {
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new HintedError(400, hint);
  }
  return value + 0;
}

const DECIMAL_EPOCH = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
// A `+` in an unencoded query string arrives as a space, so ` 01:00` is read as the offset `+01:00`
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|([+ -])(\d{2}):(\d{2}))$/i;

// Epoch seconds (decimals floored) or an ISO 8601 date-time with a zone designator
function parseInstant(text: string, hint: string): number {
  if (DECIMAL_EPOCH.test(text)) {
    return clampEpoch(Math.floor(Number(text)));
  }
  const match = ISO_DATE_TIME.exec(text);
  if (match === null) {
    throw new HintedError(400, hint);
  }
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 8, 9].map((i) =>
    Number(match[i] ?? 0),
  );
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 19xx; a rolled-over day reveals a bad date
  const midnight = new Date(0);
  midnight.setUTCFullYear(year, month - 1, day);
  const valid = midnight.getUTCMonth() === month - 1 && midnight.getUTCDate() === day;
  if (!valid || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    throw new HintedError(400, hint);
  }
  const offset = (match[7] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  return clampEpoch(midnight.getTime() / 1000 + hour * 3600 + minute * 60 + second - offset);
}

// Years 1-9999: anything beyond selects the same events and would overflow the database's timestamps
function clampEpoch(epoch: number): number {
  return Math.min(MAX_EPOCH, Math.max(MIN_EPOCH, epoch)) + 0;
}

function decodeCursor(text: string): { date: number; id: string } {
  // Buffer.from(..., 'base64url') skips bad characters silently, so insist on the canonical encoding
  const decoded = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8') : '';
  const match = /^(-?(?:0|[1-9]\d{0,14})):(0|[1-9]\d{0,18})$/.exec(decoded);
  const date = Number(match?.[1]);
  const id = match?.[2] ?? '';
  if (!(date >= MIN_EPOCH && date <= MAX_EPOCH) || encodeCursor(date, id) !== text || BigInt(id) > BIGINT_MAX) {
    throw new HintedError(400, 'invalid cursor');
  }
  return { date, id };
}
