import fc from 'fast-check';
import { example } from '../ingest-fixtures';
import { bearerHeaders, queryOf, queryValue, rightBoardAuth, segment, wrongBoardAuth } from './requests';
import { admin, cases, METHODS, RestCase, Seeded } from './rest-cases';
import { mutated } from './values';

// The agent and host surfaces (enrollment, commands, the hosts API, the netwatch ingest) and Bull Board.

export function enrollCases(): fc.Arbitrary<RestCase> {
  const base = fc.constantFrom<Record<string, unknown>>(
    { name: 'fz-agent' },
    { name: 'fz-agent-mail', alertType: 'mail', alertTarget: 'ops@example.org' },
    { name: 12, alertType: 'log', alertTarget: 'x' },
  );
  return fc.oneof(
    {
      weight: 4,
      arbitrary: cases('envelope', fc.constant('POST'), fc.constant('/api/v1/agents'), admin, base.chain(mutated)),
    },
    {
      weight: 1,
      arbitrary: cases(
        'envelope',
        fc.constantFrom('GET', 'HEAD'),
        queryOf(['x']).map((q) => `/api/v1/agents${q}`),
        admin,
      ),
    },
  );
}

function idSegment(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.constantFrom(...ids).map((id) => id.toUpperCase()) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: segment(ids) },
  );
}

export function agentPathCases(seeded: Seeded): fc.Arbitrary<RestCase> {
  const id = idSegment(seeded.spareAgentIds);
  const settings = fc
    .constantFrom<Record<string, unknown>>(
      { interval_secs: 30 },
      { health_interval_secs: 60, bandwidth_alert_bytes_per_sec: 0 },
      { interval_secs: '3600' },
    )
    .chain(mutated);
  return fc.oneof(
    cases(
      'envelope',
      fc.constant('DELETE'),
      id.map((x) => `/api/v1/agents/${x}`),
      admin,
    ),
    cases(
      'envelope',
      fc.constant('POST'),
      id.map((x) => `/api/v1/agents/${x}/report-now`),
      admin,
      fc.jsonValue(),
    ),
    {
      weight: 3,
      arbitrary: cases(
        'envelope',
        fc.constant('POST'),
        id.map((x) => `/api/v1/agents/${x}/settings`),
        admin,
        settings,
      ),
    },
  );
}

export function hostCases(seeded: Seeded): fc.Arbitrary<RestCase> {
  const id = idSegment(seeded.hostIds);
  const metrics = fc
    .tuple(id, queryOf(['from', 'to', 'step']))
    .map(([x, query]) => `/api/v1/hosts/${x}/metrics${query}`);
  const path = fc.oneof(
    fc.constant('/api/v1/hosts'),
    id.map((x) => `/api/v1/hosts/${x}`),
    { weight: 3, arbitrary: metrics },
  );
  return cases('envelope', fc.constantFrom('GET', 'GET', 'HEAD'), path, admin);
}

/** The §3 example with its snapshot taken now, and with 0, 3 or 101 snapshots, bare or in the envelope. */
function ingestBase(): fc.Arbitrary<unknown> {
  const request = example() as unknown as Record<string, any>;
  const snapshot = { ...request.snapshots[0], timestamp: new Date().toISOString() };
  const withSnapshots = (count: number): Record<string, unknown> => ({
    ...request,
    snapshots: Array.from({ length: count }, (_, i) => ({
      ...snapshot,
      timestamp: new Date(Date.now() - i * 1000).toISOString(),
    })),
  });
  const { schema_version: _version, ...bare } = withSnapshots(1);
  return fc.constantFrom(
    withSnapshots(1),
    withSnapshots(1),
    withSnapshots(3),
    bare,
    withSnapshots(0),
    withSnapshots(101),
  );
}

export function ingestCases(seeded: Seeded): fc.Arbitrary<RestCase> {
  const headers = bearerHeaders({ live: seeded.ingestKey, revoked: seeded.revokedKey });
  const path = fc.constantFrom('/api/v1/ingest', '/api/v1/ingest?x=1', '/api/v1/ingest/');
  // with a trailing slash it is another path, answered by the envelope's 404
  return cases('ingest', fc.constant('POST'), path, headers, ingestBase().chain(mutated)).map((c) =>
    c.request.path.startsWith('/api/v1/ingest/') ? { ...c, surface: 'envelope' } : c,
  );
}

const BOARD_PATHS = [
  '',
  '/',
  '/api/queues',
  '/api/redis/stats',
  '/static/x.js',
  '/api/queues/persistence/pause',
  '/api/queues/alerts/clean/failed',
];

/** Any request without the admin password is refused; with it, only reads (the board can obliterate queues). */
export function bullBoardCases(): fc.Arbitrary<RestCase> {
  const anyPath = fc.oneof(
    fc.constantFrom(...BOARD_PATHS),
    fc
      .array(segment(['persistence', 'alerts', 'api', 'queues']), { minLength: 1, maxLength: 4 })
      .map((parts) => `/${parts.join('/')}`),
  );
  const refused = cases(
    'board',
    fc.constantFrom(...METHODS.filter((m) => m !== 'FOO')),
    anyPath.map((p) => `/bullboard${p}`),
    wrongBoardAuth,
    fc.jsonValue(),
  );
  const reads = fc
    .tuple(
      fc.constantFrom('', '/', '/api/queues', '/api/redis/stats'),
      queryOf(
        ['activeQueue', 'status', 'page', 'jobsPerPage'],
        fc.oneof(queryValue, fc.constantFrom('persistence', 'failed', 'completed', '-1', '999999')),
      ),
    )
    .map(([path, query]): RestCase => ({
      surface: 'board-admin',
      request: { method: 'GET', path: `/bullboard${path}${query}`, headers: rightBoardAuth },
    }));
  return fc.oneof({ weight: 3, arbitrary: refused }, { weight: 1, arbitrary: reads });
}
