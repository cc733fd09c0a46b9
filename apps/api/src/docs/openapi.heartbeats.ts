import { unknownAlertTypeHint } from '../alerts/channels';
import {
  aliasText as alias,
  authenticatedErrors,
  badBody,
  badQuery,
  curl,
  EXAMPLE_NOW as NOW,
  hinted,
  HUMAN_DATES,
  jsonOrForm,
  ok,
  PASSWORD_AUTH,
  pathParameter,
  queryParameter,
  ref,
  RETRY_AFTER,
  routeText,
} from './openapi.shared';
import type { Operation, PathItem } from './openapi.types';

// The heartbeat routes of the watchTower surface, at the listener root (watchtower-protocol.md §2, §5.2-§5.6,
// §5.11). The examples are the spec's, byte for byte once serialized (now = 1795300524, password `change me`). An
// alias is the same operation under another path, so each is built twice from one function.

const svcA = {
  alertTarget: 'pushoverTargetID',
  alertType: 'pushover',
  alerted: false,
  cancelled: false,
  expected: NOW + 60,
  last: NOW,
  nextIn: 60,
  service: 'svcA',
};

function pulse(operationId: string, path: string, aliasOf?: string): Operation {
  return {
    operationId,
    ...routeText('POST', aliasOf, 'Pulse a heartbeat', [
      'Registers or re-arms the service: it must pulse again within `nextIn` seconds or it is declared dead',
      '(within 1 s of the deadline), an event is stored and its owner alerted once. A pulse on a dead service',
      'sends "pulsing again" to the new target. The checks run in the order of the hints below; the first failure',
      'answers. Any content type but form and multipart is read as JSON.',
    ]),
    tags: ['Heartbeats'],
    security: PASSWORD_AUTH,
    requestBody: jsonOrForm(
      ref('PulseRequest'),
      {
        spec: ['§5.2', { service: 'svcA', alertType: 'pushover', alertTarget: 'pushoverTargetID', nextIn: 60 }],
        reminders: [
          'A webhook with a reminder every 10 minutes while dead',
          {
            service: 'backup',
            alertType: 'webhook',
            alertTarget: 'https://example.org/hooks/watchtower',
            nextIn: 86400,
            repeatEvery: 600,
          },
        ],
      },
      {
        form: [
          'What the JavaScript client sends',
          'service=svcA&alertType=pushover&alertTarget=pushoverTargetID&nextIn=60',
        ],
      },
    ),
    responses: {
      '200': ok('Pulsed: the record as stored, durable before this answer.', ref('PulseReply'), {
        pulse: ['§5.2', { action: 'pulse', heartBeat: svcA, result: 200 }],
      }),
      '400': badBody({
        noService: 'no service provided',
        noNextIn: 'no nextIn provided',
        noTarget: 'no alert target provided',
        noType: 'no alert type provided',
        badService: 'service must be a string of 1 to 255 characters',
        badNextIn: 'nextIn must be a positive number',
        nextInTooLarge: 'nextIn must not exceed 31536000',
        badTarget: 'alert target must be a string of 1 to 1024 characters',
        unknownType: unknownAlertTypeHint('mail2'),
        targetForType: 'invalid alert target for mail',
        badRepeat: 'repeatEvery must be between 60 and 31536000',
        badHost: 'host must be a string of 1 to 255 characters',
        limit: 'service limit reached (max 1000000)',
      }),
      ...authenticatedErrors({ body: true }),
    },
    'x-codeSamples': [
      curl(
        `curl -s -H "$P" -X POST $W${path} -d '{"service":"backup","alertType":"log","alertTarget":"ops","nextIn":3600}'`,
      ),
      curl(
        `curl -s -H "$P" -X POST $W${path} -d 'service=backup&alertType=log&alertTarget=ops&nextIn=3600' ` +
          `-H 'content-type: application/x-www-form-urlencoded'`,
        'form body',
      ),
    ],
  };
}

function cancel(operationId: string, path: string, aliasOf?: string): Operation {
  return {
    operationId,
    ...routeText('DELETE', aliasOf, 'Cancel a heartbeat', [
      'Sets `cancelled`: the record stays listed and is never declared dead; its next pulse re-arms it.',
      'Idempotent: an unknown service answers `"heartBeat":"unknown"`. The service goes in the body.',
    ]),
    tags: ['Heartbeats'],
    security: PASSWORD_AUTH,
    requestBody: jsonOrForm(
      ref('ServiceRequest'),
      { spec: ['§5.3', { service: 'svcA' }] },
      { form: ['Form', 'service=svcA'] },
    ),
    responses: {
      '200': ok('Cancelled (or unknown).', ref('CancelReply'), {
        cancel: ['§5.3', { action: 'cancel', heartBeat: { ...svcA, cancelled: true }, result: 200 }],
        unknown: ['A service never pulsed', { action: 'cancel', heartBeat: 'unknown', result: 200 }],
      }),
      '400': badBody({
        noService: 'no service provided',
        badService: 'service must be a string of 1 to 255 characters',
      }),
      ...authenticatedErrors({ body: true }),
    },
    'x-codeSamples': [curl(`curl -s -H "$P" -X DELETE $W${path} -d '{"service":"backup"}'`)],
  };
}

const LIST_PARAMETERS = [
  HUMAN_DATES,
  queryParameter(
    'limit',
    'Page size, 1-10000; with `limit` or `cursor` the list is paged in first-pulse order.',
    { type: 'integer', minimum: 1, maximum: 10000 },
    1000,
  ),
  queryParameter('cursor', 'The `next` of the previous page.', { type: 'string' }),
];

function list(operationId: string, path: string, root: boolean): Operation {
  return {
    operationId,
    summary: root ? 'List heartbeats, or redirect a browser to the console' : 'List heartbeats',
    description: root
      ? `${alias('GET /heartbeats')} Without a \`password\` header it answers \`302\` to \`/gui\` (a browser's first visit).`
      : 'Every record in first-pulse order, cancelled and dead ones included until deleted. Unpaged by default ' +
        '(the original clients); `limit`/`cursor` page it.',
    tags: ['Heartbeats'],
    security: root ? [{ password: [] }, {}] : PASSWORD_AUTH,
    parameters: LIST_PARAMETERS,
    responses: {
      '200': ok('The records (a page of them with `limit` or `cursor`).', ref('HeartbeatList'), {
        all: ['§5.4', { heartBeats: [svcA], result: 200 }],
        humanDates: [
          'With humanDates=1',
          { heartBeats: [{ ...svcA, expected: '2026-11-21 23:36:24', last: '2026-11-21 23:35:24' }], result: 200 },
        ],
        page: ['A page with more after it', { heartBeats: [svcA], next: 'MQ', result: 200 }],
      }),
      ...(root
        ? {
            '302': {
              description: 'No `password` header: the console.',
              headers: { Location: { description: 'Always `/gui`.', schema: { type: 'string', const: '/gui' } } },
            },
          }
        : {}),
      '400': badQuery({ limit: 'limit must be an integer from 1 to 10000', cursor: 'invalid cursor' }),
      ...authenticatedErrors({ body: false }),
      '503': hinted(
        503,
        'More large unpaged listings at once than `HEARTBEAT_LIST_MAX_CONCURRENT`, or a store is unreachable.',
        {
          busy: 'too many large listings at once, retry later or page with limit and cursor',
          unavailable: 'unavailable, retry later',
        },
        { 'Retry-After': RETRY_AFTER },
      ),
    },
    'x-codeSamples': [
      curl(`curl -s -H "$P" "$W${path}?humanDates=1"`),
      curl(`curl -s -H "$P" "$W${path}?limit=1000"`, 'paged'),
    ],
  };
}

const SERVICE = pathParameter(
  'service',
  'The service, percent-encoded (`a%2Fb` is `a/b`).',
  { type: 'string', minLength: 1, maxLength: 255 },
  'svcA',
);
const NOT_FOUND = hinted(404, 'No record for this service.', { unknown: 'service not found' });

function getOne(operationId: string, path: string, aliasOf?: string): Operation {
  return {
    operationId,
    ...routeText('GET', aliasOf, 'Get one heartbeat'),
    tags: ['Heartbeats'],
    security: PASSWORD_AUTH,
    parameters: [SERVICE, HUMAN_DATES],
    responses: {
      '200': ok('The record.', ref('HeartbeatReply'), { one: ['§5.5', { heartBeat: svcA, result: 200 }] }),
      '404': NOT_FOUND,
      ...authenticatedErrors({ body: false }),
    },
    'x-codeSamples': [curl(`curl -s -H "$P" $W${path.replace('{service}', 'backup')}`)],
  };
}

const remove: Operation = {
  operationId: 'deleteHeartbeat',
  summary: 'Delete a heartbeat record',
  description: 'Removes the record, its deadline and reminders: no alert, no event. It pulses again as a new service.',
  tags: ['Heartbeats'],
  security: PASSWORD_AUTH,
  parameters: [SERVICE],
  responses: {
    '200': ok('Deleted: the record as it was.', ref('DeleteReply'), {
      deleted: ['§5.11', { action: 'delete', heartBeat: svcA, result: 200 }],
    }),
    '404': NOT_FOUND,
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" -X DELETE $W/heartbeats/backup')],
};

export const HEARTBEAT_PATHS: Record<string, PathItem> = {
  '/': {
    post: pulse('pulseRoot', '/', '/heartbeat'),
    delete: cancel('cancelRoot', '/', '/heartbeat'),
    get: list('listHeartbeatsRoot', '/', true),
  },
  '/heartbeat': { post: pulse('pulse', '/heartbeat'), delete: cancel('cancel', '/heartbeat') },
  '/heartbeats': { get: list('listHeartbeats', '/heartbeats', false) },
  '/heartbeat/{service}': { get: getOne('getHeartbeat', '/heartbeat/{service}') },
  '/get/{service}': { get: getOne('getHeartbeatAlias', '/get/{service}', '/heartbeat/{service}') },
  '/heartbeats/{service}': { delete: remove },
};
