import fc from 'fast-check';
import { ADMIN_PASSWORD, PASSWORD } from './fuzz-server';
import { FuzzRequest } from './http';
import { bodyOf, encodeText, headerSafe, passwordHeaders, queryOf, segment, withBody } from './requests';
import { CATASTROPHIC, mutated, oddString, regexText } from './values';
import { Surface } from './verdicts';

// One arbitrary per group of routes, each case a request and the error format it must answer with. The
// watchTower routes, /hello, /pings, the probes and the console are here; the agent surfaces in agent-rest-cases.ts.

export interface RestCase {
  surface: Surface;
  request: FuzzRequest;
  /** A path no route has: routing answers first (§3.7), whatever the password and the body. */
  unrouted?: boolean;
}

/** What the server holds before the run, so cases can name real services, agents and hosts. */
export interface Seeded {
  services: string[];
  ingestKey: string;
  revokedKey: string;
  /** Agents the fuzz may revoke or command; never the one whose key the ingest cases use. */
  spareAgentIds: string[];
  hostIds: string[];
}

export function cases(
  surface: Surface,
  method: fc.Arbitrary<string>,
  path: fc.Arbitrary<string>,
  headers: fc.Arbitrary<[string, string][]>,
  body?: fc.Arbitrary<unknown>,
): fc.Arbitrary<RestCase> {
  return fc
    .record({
      method,
      path,
      headers,
      body: body === undefined ? fc.constant(undefined) : fc.option(bodyOf(body), { freq: 8 }),
    })
    .map(({ method, path, headers, body }) => ({
      surface,
      request: withBody({ method, path, headers }, body ?? undefined),
    }));
}

const watchtower = passwordHeaders(PASSWORD);
export const admin = passwordHeaders(ADMIN_PASSWORD);

export function pulseCases(seeded: Seeded): fc.Arbitrary<RestCase> {
  const base = fc.constantFrom<Record<string, unknown>>(
    { service: 'fz-pulse', nextIn: 3600, alertType: 'log', alertTarget: 'ops' },
    {
      service: seeded.services[1],
      nextIn: '60.5',
      alertType: 'mail',
      alertTarget: 'ops@example.org',
      repeatEvery: 600,
    },
    { service: 42, nextIn: 86400, alertType: 'webhook', alertTarget: 'https://example.org/hook', host: 'db-1' },
    { service: 'fz-slack', nextIn: 1, alertType: 'slack', alertTarget: 'https://hooks.slack.com/services/T/B/X' },
  );
  return cases('envelope', fc.constant('POST'), fc.constantFrom('/heartbeat', '/'), watchtower, base.chain(mutated));
}

export function cancelCases(seeded: Seeded): fc.Arbitrary<RestCase> {
  const base = fc.constantFrom(...seeded.services, 'fz-unknown').map((service) => ({ service }));
  return cases('envelope', fc.constant('DELETE'), fc.constantFrom('/heartbeat', '/'), watchtower, base.chain(mutated));
}

export function heartbeatPathCases(seeded: Seeded): fc.Arbitrary<RestCase> {
  const listQuery = queryOf(['limit', 'cursor', 'humanDates']);
  const path = fc.oneof(
    fc
      .tuple(fc.constantFrom('/heartbeat/', '/get/', '/heartbeats/'), segment(seeded.services), queryOf(['humanDates']))
      .map((parts) => parts.join('')),
    fc.tuple(fc.constantFrom('/heartbeats', '/'), listQuery).map((parts) => parts.join('')),
  );
  // DELETE /heartbeats/<service> only on names the other cases do not rely on
  const method = fc.constantFrom('GET', 'GET', 'HEAD', 'DELETE');
  return cases('envelope', method, path, watchtower).map((c) =>
    c.request.method === 'DELETE' && !c.request.path.startsWith('/heartbeats/')
      ? { ...c, request: { ...c.request, method: 'GET' } }
      : c,
  );
}

export function addEventCases(seeded: Seeded): fc.Arbitrary<RestCase> {
  const base = fc.constantFrom<Record<string, unknown>>(
    { service: seeded.services[0], message: 'disk 91% full', level: 4 },
    { service: 'fz-event', message: 'restore failed', level: '3', alert: true, id: 'restore-0042' },
    { service: 7, message: 5, level: 2.5, alert: 'false' },
  );
  const idempotency = fc.option(
    fc.oneof(fc.constantFrom('', ' ', 'k'.repeat(256), 'k'.repeat(255)), oddString.map(headerSafe)),
    { freq: 3 },
  );
  return fc
    .tuple(
      cases('envelope', fc.constant('POST'), fc.constantFrom('/event', '/add-event'), watchtower, base.chain(mutated)),
      idempotency,
    )
    .map(([c, key]) =>
      key === null
        ? c
        : { ...c, request: { ...c.request, headers: [...(c.request.headers ?? []), ['Idempotency-Key', key]] } },
    );
}

const EVENT_KEYS = ['from', 'to', 'level', 'service', 'message', 'limit', 'cursor', 'humanDates'];

export function listEventsCases(): fc.Arbitrary<RestCase> {
  // the catastrophic patterns over the whole table, where the long seeded values are
  const scans = fc
    .tuple(fc.constantFrom('service', 'message'), fc.oneof(fc.constantFrom(...CATASTROPHIC), regexText))
    .map(([name, pattern]) => `?from=0&to=253402300799&${name}=${encodeText(pattern)}`);
  const query = fc.oneof({ weight: 3, arbitrary: queryOf(EVENT_KEYS) }, { weight: 2, arbitrary: scans });
  const path = fc.tuple(fc.constantFrom('/events', '/list-events'), query).map((parts) => parts.join(''));
  return cases('envelope', fc.constantFrom('GET', 'GET', 'GET', 'HEAD'), path, watchtower);
}

export const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'FOO'];
const KNOWN_PATHS: [Surface, string][] = [
  ...['/hello', '/pings', '/heartbeat', '/heartbeats', '/event', '/events', '/', '/api/v1/agents', '/api/v1/hosts'].map(
    (path): [Surface, string] => ['envelope', path],
  ),
  ['envelope', '/api/v1/session'],
  ['health', '/metrics'],
  ['health', '/health/live'],
];

/** /hello, /pings, the probes, unknown paths, wrong methods, CORS preflights. */
export function plainRouteCases(): fc.Arbitrary<RestCase> {
  const probes = fc
    .tuple(fc.constantFrom('/health/live', '/health/ready'), queryOf(['x']))
    .map(([path, query]): [Surface, string, string] => ['health', 'GET', path + query]);
  const info = fc
    .tuple(fc.constantFrom('/hello', '/pings'), queryOf(['humanDates']))
    .map(([path, query]): [Surface, string, string] => ['envelope', 'GET', path + query]);
  const anywhere = fc
    .tuple(fc.constantFrom(...METHODS), fc.constantFrom(...KNOWN_PATHS))
    .map(([method, [surface, path]]): [Surface, string, string] => [surface, method, path]);
  const nowhere = fc
    .tuple(
      fc.constantFrom(...METHODS),
      fc.oneof(
        fc.constantFrom('/HELLO', '//hello', '/hello/', '/health', '/health/', '/api/v1', '/api/v2/agents'),
        fc.array(segment(['x']), { minLength: 1, maxLength: 4 }).map((parts) => `/u/${parts.join('/')}`),
      ),
    )
    .map(([method, path]): [Surface, string, string] => ['envelope', method, path]);
  const preflight = fc.option(
    fc.constantFrom<[string, string][]>(
      [
        ['origin', 'https://example.org'],
        ['access-control-request-method', 'POST'],
      ],
      [['origin', 'null']],
      [['access-control-request-method', 'DELETE']],
    ),
    { freq: 2 },
  );
  const pages = fc
    .tuple(
      fc.constantFrom('GET', 'GET', 'HEAD', 'POST', 'DELETE'),
      fc.oneof(
        fc.constantFrom(
          '/gui',
          '/gui/',
          '/gui/index.html',
          '/gui/app',
          '/gui/favicon.svg',
          '/gui/%2e%2e/package.json',
          '/gui/..%2f..%2fpackage.json',
        ),
        fc
          .array(segment(['assets', 'index.html', '..']), { minLength: 1, maxLength: 3 })
          .map((parts) => `/gui/${parts.join('/')}`),
      ),
    )
    .map(([method, path]): [Surface, string, string] => ['console', method, path]);
  const routed = fc
    .tuple(
      fc.oneof(probes, info, anywhere, pages),
      watchtower,
      preflight,
      fc.option(bodyOf(fc.jsonValue()), { freq: 2 }),
    )
    .map(([[surface, method, path], headers, extra, body]) => ({
      surface,
      request: withBody({ method, path, headers: [...headers, ...(extra ?? [])] }, body ?? undefined),
    }));
  const unrouted = fc
    .tuple(nowhere, watchtower, bodyOf(fc.jsonValue()))
    .map(([[surface, method, path], headers, body]) => ({
      surface,
      unrouted: true,
      request: withBody({ method, path, headers }, body),
    }));
  return fc.oneof({ weight: 3, arbitrary: routed }, { weight: 2, arbitrary: unrouted });
}
