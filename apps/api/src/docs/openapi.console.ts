import {
  ADMIN_AUTH,
  authenticatedErrors,
  badBody,
  badQuery,
  curl,
  EXAMPLE_NOW as NOW,
  hinted,
  jsonOrForm,
  NO_AUTH,
  ok,
  pathParameter,
  queryParameter,
  ref,
  RELEASE_VERSION,
  response,
  RETRY_AFTER,
} from './openapi.shared';
import type { Operation, PathItem } from './openapi.types';

// What the console at /gui calls (docs/console-api.md), and the console's pages themselves.

const SESSION_COOKIE = 'wt_session=<signed value>; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict';
const session = { expiresAt: NOW + 43200, result: 200 };

const login: Operation = {
  operationId: 'login',
  summary: 'Log in to the console',
  description:
    'Exchanges the admin password for a signed session cookie (`Secure` under TLS or behind a trusted proxy saying ' +
    'https) lasting `CONSOLE_SESSION_HOURS` (12). Wrong passwords spend the same per-address budget as every door.',
  tags: ['Console'],
  security: NO_AUTH,
  requestBody: jsonOrForm(
    ref('LoginRequest'),
    { login: ['docs/console-api.md', { password: 'change me' }] },
    { form: ['Form', 'password=change%20me'] },
  ),
  responses: {
    '200': {
      ...ok('Logged in.', ref('Session'), { session: ['docs/console-api.md', session] }),
      headers: {
        'Set-Cookie': { description: 'The session cookie.', schema: { type: 'string', examples: [SESSION_COOKIE] } },
      },
    },
    '400': badBody({ noPassword: 'no password provided' }),
    '403': hinted(403, 'Wrong password.', { bad: 'bad password' }),
    '413': response('BodyTooLarge'),
    '429': hinted(
      429,
      'Too many failed authentications from this address.',
      { throttled: 'too many requests' },
      {
        'Retry-After': RETRY_AFTER,
      },
    ),
    '500': response('InternalError'),
    '503': response('Unavailable'),
  },
  'x-codeSamples': [curl(`curl -si -X POST $W/api/v1/session -d '{"password":"change me"}'`)],
};

const whoami: Operation = {
  operationId: 'session',
  summary: 'Check the session',
  tags: ['Console'],
  security: [{ consoleSession: [] }],
  responses: {
    '200': ok('A live session.', ref('Session'), { live: ['docs/console-api.md', session] }),
    '401': hinted(401, 'No cookie, or an expired or revoked session.', { none: 'no session' }),
    '500': response('InternalError'),
    '503': response('Unavailable'),
  },
  'x-codeSamples': [curl('curl -s -b "wt_session=$S" $W/api/v1/session')],
};

const logout: Operation = {
  operationId: 'logout',
  summary: 'Log out',
  description: 'Revokes the session on the server (a copied cookie stops working too) and clears the cookie.',
  tags: ['Console'],
  security: [{ consoleSession: [] }, {}],
  responses: {
    '200': {
      ...ok('Logged out (also without a session).', ref('Result'), { out: ['docs/console-api.md', { result: 200 }] }),
      headers: { 'Set-Cookie': { description: 'Clears the cookie (`Max-Age=0`).', schema: { type: 'string' } } },
    },
    '500': response('InternalError'),
    '503': response('Unavailable'),
  },
  'x-codeSamples': [curl(`curl -s -X DELETE -b "wt_session=$S" -H "Origin: $W" $W/api/v1/session`)],
};

const overview: Operation = {
  operationId: 'consoleOverview',
  summary: 'Home page figures',
  description: 'Services by state, agents, queue depths (`oldestWaitingSeconds` null when empty), presets and version.',
  tags: ['Console'],
  security: ADMIN_AUTH,
  responses: {
    '200': ok('The overview.', ref('Overview'), {
      overview: [
        'docs/console-api.md',
        {
          agents: { connected: 1, enrolled: 2 },
          eventsPresets: [{ name: 'backups', service: '^backup' }],
          now: NOW,
          queues: [{ active: 0, delayed: 0, failed: 0, name: 'alerts', oldestWaitingSeconds: 0, waiting: 0 }],
          result: 200,
          services: { alive: 10, cancelled: 1, dead: 2, late: 0, total: 13 },
          version: RELEASE_VERSION,
        },
      ],
    }),
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" $W/api/v1/console/overview')],
};

const choice = (values: string[]): { type: 'string'; enum: string[] } => ({ type: 'string', enum: values });

const heartbeats: Operation = {
  operationId: 'consoleHeartbeats',
  summary: 'A page of heartbeats',
  description:
    'Read from PostgreSQL (a few milliseconds behind Redis), filtered, sorted and paged there: a page never holds ' +
    'more than `limit` services. Ties break by service name, so pages never overlap.',
  tags: ['Console'],
  security: ADMIN_AUTH,
  parameters: [
    queryParameter('state', 'Only this state (absent: all).', choice(['alive', 'late', 'dead', 'cancelled']), 'dead'),
    queryParameter(
      'q',
      'A case-insensitive substring of the service name, 1-255 characters.',
      { type: 'string' },
      'back',
    ),
    queryParameter('sort', 'Sort key; default `service`.', choice(['service', 'state', 'last', 'expected'])),
    queryParameter('dir', 'Default `asc`.', choice(['asc', 'desc'])),
    queryParameter('limit', '1-200, default 50.', { type: 'integer', minimum: 1, maximum: 200 }),
    queryParameter('offset', '0-1000000, default 0.', { type: 'integer', minimum: 0, maximum: 1000000 }),
  ],
  responses: {
    '200': ok('The page and the total matching.', ref('ConsoleHeartbeatsPage'), {
      page: [
        'docs/console-api.md',
        {
          heartbeats: [
            {
              alertTarget: 'ops@example.org',
              alertType: 'mail',
              deadAt: null,
              expected: NOW + 60,
              last: NOW,
              nextIn: 60,
              repeatEvery: null,
              service: 'backup',
              state: 'alive',
            },
          ],
          now: NOW,
          result: 200,
          total: 13,
        },
      ],
    }),
    '400': badQuery({
      state: 'state must be one of alive, late, dead, cancelled',
      q: 'q must be 1 to 255 characters',
      sort: 'sort must be one of service, state, last, expected',
      dir: 'dir must be one of asc, desc',
      limit: 'limit must be 1 to 200',
      offset: 'offset must be 0 to 1000000',
    }),
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" "$W/api/v1/console/heartbeats?state=dead&sort=last&dir=desc&limit=50"')],
};

const history: Operation = {
  operationId: 'consoleHistory',
  summary: "A service's last 50 transitions",
  description:
    'Newest first; a `pulse` right after an `alert` is the recovery. Rows exist with `HEARTBEAT_HISTORY=true`.',
  tags: ['Console'],
  security: ADMIN_AUTH,
  parameters: [pathParameter('service', 'The service, percent-encoded.', { type: 'string' }, 'backup')],
  responses: {
    '200': ok('The history (empty for an unknown service).', ref('History'), {
      history: [
        'docs/console-api.md',
        {
          history: [
            { action: 'alert', at: 1795300590, expected: NOW + 60, nextIn: 60 },
            { action: 'pulse', at: NOW, expected: NOW + 60, nextIn: 60 },
          ],
          result: 200,
        },
      ],
    }),
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" $W/api/v1/console/heartbeats/backup/history')],
};

const stream: Operation = {
  operationId: 'consoleStream',
  summary: 'Live updates (server-sent events)',
  description:
    'Every API process relays what the persistence worker commits: `heartbeats` (`{"services":[...]}`, at most 100 ' +
    'names, null meaning "many, reload"), `events` (`{"count":n}`) and `hosts` (`{"hosts":[...]}`). A `: ping` ' +
    "comment every 15 s keeps proxies from closing it. With an `Origin`, only the API's own.",
  tags: ['Console'],
  security: ADMIN_AUTH,
  responses: {
    '200': {
      description: 'An endless `text/event-stream`.',
      content: {
        'text/event-stream': {
          schema: { type: 'string' },
          examples: {
            frames: {
              summary: 'docs/console-api.md',
              value:
                ': connected\n\nevent: heartbeats\ndata: {"services":["backup","db"]}\n\nevent: events\ndata: {"count":12}\n\n',
            },
          },
        },
      },
    },
    ...authenticatedErrors({ body: false }),
    '503': hinted(
      503,
      'Too many open streams on this process.',
      { full: 'too many live streams, retry later' },
      {
        'Retry-After': RETRY_AFTER,
      },
    ),
  },
  'x-codeSamples': [curl('curl -sN -H "$P" $W/api/v1/console/stream')],
};

const page = (operationId: string, summary: string, description: string, sample: string): Operation => ({
  operationId,
  summary,
  description,
  tags: ['Console'],
  security: NO_AUTH,
  responses: {
    '200': {
      description: 'The file, under the security headers (CSP without inline scripts, nosniff).',
      content: { 'text/html': { schema: { type: 'string' } } },
    },
    '404': { description: 'No such file (a plain 404).' },
    '503': hinted(503, 'The console was not built.', { notBuilt: 'console not built: run npm run build' }),
  },
  'x-codeSamples': [curl(sample)],
});

export const CONSOLE_PATHS: Record<string, PathItem> = {
  '/api/v1/session': { post: login, get: whoami, delete: logout },
  '/api/v1/console/overview': { get: overview },
  '/api/v1/console/heartbeats': { get: heartbeats },
  '/api/v1/console/heartbeats/{service}/history': { get: history },
  '/api/v1/console/stream': { get: stream },
  '/gui/': {
    get: page(
      'console',
      'The console',
      'The single-page console (`npm run build` makes it): log in with the admin password. No authentication for ' +
        'the page; its data calls carry the session.',
      'xdg-open $W/gui/',
    ),
  },
  '/gui/{file}': {
    get: {
      ...page(
        'consoleAsset',
        'A console asset',
        'Scripts, styles and images of the console; hashed names are cached for a year.',
        'curl -sI $W/gui/favicon.svg',
      ),
      parameters: [
        pathParameter(
          'file',
          'A path under the build directory; `..` segments are refused.',
          { type: 'string' },
          'favicon.svg',
        ),
      ],
    },
  },
};
