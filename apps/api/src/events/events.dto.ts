import { Injectable, PipeTransform } from '@nestjs/common';
import { Clock } from '../common/clock';
import {
  field,
  integerText,
  INT32_MAX,
  INT32_MIN,
  isHumanDates,
  param,
  parseInteger,
  requirePresent,
  toBoundedText,
  toService,
  tooLong,
  withoutNul,
} from '../common/fields';
import { HintedError } from '../common/hinted-error';
import { Env } from '../config/env';
import { exactLiteral } from './exact-literal';
import { compileSearchPattern } from './search-pattern';

// The event body (watchtower-protocol.md §5.7) and the listing query with its cursor (§7.2-§7.5).

export interface EventInput {
  service: string;
  message: string;
  level: number;
  alert: boolean;
  /** The client's idempotency key: a retry with the same one stores and alerts once. */
  id?: string;
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

/** A listing query with its regex filters already translated for PostgreSQL. */
export interface EventsFilter extends EventsQuery {
  servicePattern?: string;
  /** `service=^name$`: the name, matched by an indexed equality instead of the regex. */
  serviceExact?: string;
  messagePattern?: string;
}

const MAX_MESSAGE = 65536;
const MAX_ID = 255;
const BIGINT_MAX = 9223372036854775807n;
const MIN_EPOCH = -62135596800;
const MAX_EPOCH = 253402300799;

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
  const input: EventInput = {
    service,
    message,
    level: coerceLevel(field(body, 'level')),
    alert: isTruthy(field(body, 'alert')),
  };
  const rawId = field(body, 'id');
  if (rawId !== undefined && rawId !== null) {
    // like `service` (§3.8): a string or a finite number's decimal text
    input.id = toBoundedText(rawId, MAX_ID, `id must be a string of 1 to ${MAX_ID} characters`);
  }
  return input;
}

/** The `Idempotency-Key` header, read like the body's `id`; undefined when the header is absent. */
export function parseIdempotencyKey(header: unknown): string | undefined {
  return header === undefined
    ? undefined
    : toBoundedText(header, MAX_ID, `Idempotency-Key must be 1 to ${MAX_ID} characters`);
}

function toMessage(value: unknown): string {
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string' || tooLong(text, MAX_MESSAGE)) {
    throw new HintedError(400, `message must be a string of at most ${MAX_MESSAGE} characters`);
  }
  return withoutNul(text);
}

// §7.2: anything that is not a 32-bit integer (or its decimal text) becomes 0
function coerceLevel(value: unknown): number {
  const level = typeof value === 'number' ? value : typeof value === 'string' ? (integerText(value) ?? NaN) : NaN;
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

export function decodeCursor(text: string): { date: number; id: string } {
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

const DECIMAL_EPOCH = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
// A `+` in an unencoded query string arrives as a space, so ` 01:00` is read as the offset `+01:00`
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|([+ -])(\d{2}):(\d{2}))$/i;

/** Epoch seconds (decimals floored) or an ISO 8601 date-time with a zone designator. */
export function parseInstant(text: string, hint: string): number {
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

@Injectable()
export class EventsQueryPipe implements PipeTransform<Record<string, unknown>, EventsFilter> {
  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
  ) {}

  transform(query: Record<string, unknown>): EventsFilter {
    const parsed = parseEventsQuery(query, this.clock.seconds(), {
      defaultLimit: this.env.eventsDefaultLimit,
      maxLimit: this.env.eventsMaxLimit,
    });
    const widest = this.env.searchMaxWindowSeconds;
    const scans = parsed.service !== undefined || parsed.message !== undefined;
    if (scans && widest > 0 && parsed.to - parsed.from > widest) {
      throw new HintedError(
        400,
        `service and message filters search at most ${widest} seconds here: narrow from and to`,
      );
    }
    return {
      ...parsed,
      servicePattern: parsed.service === undefined ? undefined : compileSearchPattern(parsed.service, 'service'),
      serviceExact: parsed.service === undefined ? undefined : exactLiteral(parsed.service),
      messagePattern: parsed.message === undefined ? undefined : compileSearchPattern(parsed.message, 'message'),
    };
  }
}
