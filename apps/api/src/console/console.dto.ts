import { Injectable, PipeTransform } from '@nestjs/common';
import { field, MAX_SERVICE, param, parseInteger, tooLong, withoutNul } from '../common/fields';
import { HintedError } from '../common/hinted-error';
import type { HeartbeatsPageQuery, HeartbeatState } from '../database/repositories';

// The console's own inputs (docs/console-api.md): the login body and the heartbeats page query.

export const STATES: readonly HeartbeatState[] = ['alive', 'late', 'dead', 'cancelled'];
const SORTS = ['service', 'state', 'last', 'expected'] as const;
const PAGE_MAX = 200;
const OFFSET_MAX = 1_000_000;

export function parseLogin(body: unknown): string {
  const password =
    typeof body === 'object' && body !== null ? field(body as Record<string, unknown>, 'password') : undefined;
  if (typeof password !== 'string' || password === '') {
    throw new HintedError(400, 'no password provided');
  }
  return password;
}

export function parseHeartbeatsPage(query: Record<string, unknown>): Omit<HeartbeatsPageQuery, 'now'> {
  const choice = <T extends string>(name: string, allowed: readonly T[]): T | undefined =>
    param(query, name, `${name} must be one of ${allowed.join(', ')}`, (text, hint) => {
      if (!(allowed as readonly string[]).includes(text)) {
        throw new HintedError(400, hint);
      }
      return text as T;
    });
  const search = param(query, 'q', `q must be 1 to ${MAX_SERVICE} characters`, (text, hint) => {
    if (tooLong(text, MAX_SERVICE)) {
      throw new HintedError(400, hint);
    }
    return withoutNul(text);
  });
  return {
    state: choice('state', STATES),
    search,
    sort: choice('sort', SORTS) ?? 'service',
    descending: choice('dir', ['asc', 'desc'] as const) === 'desc',
    limit: param(query, 'limit', `limit must be 1 to ${PAGE_MAX}`, (t, h) => parseInteger(t, 1, PAGE_MAX, h)) ?? 50,
    offset:
      param(query, 'offset', `offset must be 0 to ${OFFSET_MAX}`, (t, h) => parseInteger(t, 0, OFFSET_MAX, h)) ?? 0,
  };
}

@Injectable()
export class HeartbeatsPagePipe implements PipeTransform<Record<string, unknown> | undefined> {
  transform(query: Record<string, unknown> | undefined): Omit<HeartbeatsPageQuery, 'now'> {
    return parseHeartbeatsPage(query ?? {});
  }
}
