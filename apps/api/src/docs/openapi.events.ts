import {
  authenticatedErrors,
  badBody,
  badQuery,
  curl,
  EXAMPLE_NOW as NOW,
  HUMAN_DATES,
  jsonOrForm,
  ok,
  PASSWORD_AUTH,
  queryParameter,
  ref,
  RELEASE_VERSION,
  routeText,
} from './openapi.shared';
import type { Operation, PathItem } from './openapi.types';

// Events, server information and URL monitors of the watchTower surface (watchtower-protocol.md §5.1, §5.7-§5.9),
// with the spec's examples.

const test4 = { alert: false, date: 1795300548, level: 4, message: 'my m"es\nsage', service: 'test4' };
const testJava = { alert: false, date: 1795300530, level: 3, message: 'ok message', service: 'testJava' };

function addEvent(operationId: string, path: string, aliasOf?: string): Operation {
  return {
    operationId,
    ...routeText('POST', aliasOf, 'Add an event', [
      'Answers once the event is durably queued; it is listed within about a second. The date is the receive',
      'time. A truthy `alert` also alerts `HEARTBEAT_DEFAULT_ALERT_TYPE`/`TARGET`. An `id` (or `Idempotency-Key`)',
      'makes a retry store and alert once.',
    ]),
    tags: ['Events'],
    security: PASSWORD_AUTH,
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        description: "1-255 characters; the body's `id` wins when both are sent.",
        schema: { type: 'string', minLength: 1, maxLength: 255 },
        example: 'restore-0042',
      },
    ],
    requestBody: jsonOrForm(
      ref('EventRequest'),
      {
        spec: ['§5.7', { service: 'test4', message: 'my m"es\nsage', level: 4 }],
        alert: ['Also alert', { service: 'backup', message: 'restore failed', alert: true }],
      },
      { form: ['Form (every value a string)', 'service=backup&level=4&message=disk%2091%25%20full'] },
    ),
    responses: {
      '200': ok('Durably queued.', ref('Result'), { stored: ['Exactly this', { result: 200 }] }),
      '400': badBody({
        noService: 'no service provided',
        noMessage: 'no message provided',
        badService: 'service must be a string of 1 to 255 characters',
        badMessage: 'message must be a string of at most 65536 characters',
        badId: 'id must be a string of 1 to 255 characters',
        badHeader: 'Idempotency-Key must be 1 to 255 characters',
      }),
      ...authenticatedErrors({ body: true }),
    },
    'x-codeSamples': [
      curl(`curl -s -H "$P" -X POST $W${path} -d '{"service":"backup","level":4,"message":"disk 91% full"}'`),
      curl(
        `curl -s -H "$P" -H "Idempotency-Key: restore-0042" -X POST $W${path} ` +
          `-d '{"service":"backup","message":"restore failed","alert":true}'`,
        'idempotent',
      ),
    ],
  };
}

const regex = (name: string): string =>
  `A case-insensitive, unanchored regular expression on the ${name} (a portable, linear-time subset: no ` +
  'backreferences, lookaround or inline flags; at most 256 characters).';

function listEvents(operationId: string, path: string, aliasOf?: string): Operation {
  const instant = { type: 'string' as const, description: 'Epoch seconds (decimals floored) or ISO 8601 with a zone.' };
  return {
    operationId,
    ...routeText('GET', aliasOf, 'List events', [
      'Newest first (date, then arrival). `next` appears only when more events match (or the page reached',
      '`EVENTS_PAGE_MAX_BYTES`): pass it back as `cursor` with the same filters.',
    ]),
    tags: ['Events'],
    security: PASSWORD_AUTH,
    parameters: [
      queryParameter('from', 'Inclusive lower bound; default now - 86400.', instant, '2026-11-20T00:00:00Z'),
      queryParameter('to', 'Inclusive upper bound; default now.', instant, '1795300524'),
      queryParameter('level', 'Keeps events at this level or above.', { type: 'integer' }, 3),
      queryParameter('service', regex('service'), { type: 'string', maxLength: 256 }, 'test'),
      queryParameter('message', regex('message'), { type: 'string', maxLength: 256 }, 'disk.*full'),
      queryParameter('limit', '1 to `EVENTS_MAX_LIMIT` (10000); default `EVENTS_DEFAULT_LIMIT` (1000).', {
        type: 'integer',
        minimum: 1,
      }),
      queryParameter('cursor', 'The `next` of the previous page.', { type: 'string' }, 'MTc5NTMwMDU0ODo0Mg'),
      { ...HUMAN_DATES, description: 'Exactly `1` renders `date` as `"YYYY-MM-DD HH:mm:ss"` in the display zone.' },
    ],
    responses: {
      '200': ok('The matching events, newest first.', ref('EventsPage'), {
        filtered: ['§5.8: ?service=test&level=3', { events: [test4, testJava], result: 200 }],
        firstPage: ['§5.8: ?limit=1', { events: [test4], next: 'MTc5NTMwMDU0ODo0Mg', result: 200 }],
        lastPage: ['§5.8: ?limit=1&cursor=MTc5NTMwMDU0ODo0Mg', { events: [testJava], result: 200 }],
      }),
      '400': badQuery({
        from: 'invalid from',
        to: 'invalid to',
        level: 'invalid level',
        limit: 'invalid limit',
        cursor: 'invalid cursor',
        serviceRegex: 'invalid service regex: missing ]',
        messageRegex: 'invalid message regex: nothing to repeat at position 1',
        serviceLong: 'service regex too long (max 256)',
        messageLong: 'message regex too long (max 256)',
        window: 'service and message filters search at most 604800 seconds here: narrow from and to',
      }),
      ...authenticatedErrors({ body: false }),
    },
    'x-codeSamples': [
      curl(`curl -s -H "$P" "$W${path}?service=backup&level=3"`),
      curl(
        `curl -s -H "$P" "$W${path}?from=2026-11-20T00:00:00Z&to=1795300524&message=disk.*full&limit=100"`,
        'window',
      ),
      curl(`curl -s -H "$P" "$W${path}?limit=100&cursor=MTc5NTMwMDU0ODo0Mg"`, 'next page'),
    ],
  };
}

const hello: Operation = {
  operationId: 'hello',
  summary: 'Server clock, presets and version',
  description: 'The console also checks a password with it and corrects browser clock skew with `world`.',
  tags: ['Server'],
  security: PASSWORD_AUTH,
  responses: {
    '200': ok('Server information.', ref('Hello'), {
      hello: [
        '§5.1',
        {
          eventsPresets: [{ message: 'run.*succ', name: 'ROC', service: 'tcm' }],
          result: 200,
          version: RELEASE_VERSION,
          world: NOW,
        },
      ],
    }),
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" $W/hello')],
};

const pings: Operation = {
  operationId: 'listPings',
  summary: 'List URL monitors',
  description: 'The monitors configured with `PINGS`, in configuration order; `password` is always null.',
  tags: ['Server'],
  security: PASSWORD_AUTH,
  parameters: [HUMAN_DATES],
  responses: {
    '200': ok('One item per monitor, fourteen keys each.', ref('PingList'), {
      pings: [
        '§5.9',
        {
          pings: [
            {
              alertTarget: 'pushoverTargetID',
              alertType: 'pushover',
              alerted: false,
              expectedCode: 200,
              frequency: 30,
              lastPing: 1795300510,
              lastPingSuccess: 1795300510,
              login: null,
              method: 'get',
              password: null,
              proxyURL: null,
              service: 'google',
              timeout: 10,
              url: 'https://google.com',
            },
          ],
          result: 200,
        },
      ],
    }),
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" $W/pings')],
};

export const EVENT_PATHS: Record<string, PathItem> = {
  '/event': { post: addEvent('addEvent', '/event') },
  '/add-event': { post: addEvent('addEventAlias', '/add-event', '/event') },
  '/events': { get: listEvents('listEvents', '/events') },
  '/list-events': { get: listEvents('listEventsAlias', '/list-events', '/events') },
  '/hello': { get: hello },
  '/pings': { get: pings },
};
