import { Injectable, PipeTransform } from '@nestjs/common';
import { parseAlertChannel } from '../alerts/channels';
import {
  field,
  isHumanDates,
  isPresent,
  param,
  parseInteger,
  requirePresent,
  toBoundedText,
  toService,
  toTruncated,
} from '../common/fields';
import { HintedError } from '../common/hinted-error';

// The pulse and cancel bodies (watchtower-protocol.md §5.2, §5.3): their fields, order of checks and hints.

export interface PulseInput {
  service: string;
  nextIn: number;
  alertType: string;
  alertTarget: string;
  repeatEvery?: number;
  /** The hostname the service runs on: its down alert then carries that host's latest figures. */
  host?: string;
}

const MAX_NEXT_IN = 31536000;
const MIN_REPEAT_EVERY = 60;
const MAX_HOST = 255;

/** Steps 1-11 of §5.2, in order; the service limit (step 12) needs the store. */
export function parsePulse(body: Record<string, unknown>): PulseInput {
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
  const { alertType, alertTarget } = parseAlertChannel(rawType, rawTarget);
  const input: PulseInput = { service, nextIn, alertType, alertTarget };
  const rawRepeat = field(body, 'repeatEvery');
  if (isPresent(rawRepeat)) {
    const repeatEvery = toTruncated(rawRepeat);
    if (repeatEvery === undefined || repeatEvery < MIN_REPEAT_EVERY || repeatEvery > MAX_NEXT_IN) {
      throw new HintedError(400, `repeatEvery must be between ${MIN_REPEAT_EVERY} and ${MAX_NEXT_IN}`);
    }
    input.repeatEvery = repeatEvery;
  }
  const rawHost = field(body, 'host');
  if (isPresent(rawHost)) {
    input.host = toBoundedText(rawHost, MAX_HOST, `host must be a string of 1 to ${MAX_HOST} characters`);
  }
  return input;
}

/** The cancel body (§5.3): steps 1 and 5 of §5.2. */
export function parseServiceOnly(body: Record<string, unknown>): string {
  const rawService = field(body, 'service');
  requirePresent(rawService, 'no service provided');
  return toService(rawService);
}

/** Validation once, at the edge: the spec's ordered checks and hints (§5.3; §5.2 in PulseRoute). */
@Injectable()
export class CancelPipe implements PipeTransform<Record<string, unknown> | undefined, string> {
  transform(body: Record<string, unknown> | undefined): string {
    return parseServiceOnly(body ?? {});
  }
}

/** Records per page of the listing: the default when only `cursor` is given, and the most one page holds. */
export const LIST_DEFAULT_LIMIT = 1000;
export const LIST_MAX_LIMIT = 10000;

/** The listing query: unpaged (the original clients) unless `limit` or `cursor` is given. */
export interface ListQuery {
  humanDates: boolean;
  page?: { limit: number; after: number };
}

export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const humanDates = isHumanDates(field(query, 'humanDates'));
  const limit = param(query, 'limit', `limit must be an integer from 1 to ${LIST_MAX_LIMIT}`, (text, hint) =>
    parseInteger(text, 1, LIST_MAX_LIMIT, hint),
  );
  const after = param(query, 'cursor', 'invalid cursor', decodeListCursor);
  if (limit === undefined && after === undefined) {
    return { humanDates };
  }
  return { humanDates, page: { limit: limit ?? LIST_DEFAULT_LIMIT, after: after ?? 0 } };
}

/** The `next` of a page: base64url, no padding, of the last record's first-pulse position. */
export function encodeListCursor(position: number): string {
  return Buffer.from(String(position), 'utf8').toString('base64url');
}

function decodeListCursor(text: string): number {
  // Buffer.from(..., 'base64url') skips bad characters silently, so insist on the canonical encoding
  const decoded = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url').toString('utf8') : '';
  const position = /^(0|[1-9]\d{0,14})$/.test(decoded) ? Number(decoded) : NaN;
  if (!Number.isSafeInteger(position) || encodeListCursor(position) !== text) {
    throw new HintedError(400, 'invalid cursor');
  }
  return position;
}

@Injectable()
export class ListQueryPipe implements PipeTransform<Record<string, unknown> | undefined, ListQuery> {
  transform(query: Record<string, unknown> | undefined): ListQuery {
    return parseListQuery(query ?? {});
  }
}
