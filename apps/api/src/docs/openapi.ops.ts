import { curl, hinted, JSON_TYPE, json, NO_AUTH, ref, RETRY_AFTER } from './openapi.shared';
import type { Operation, PathItem } from './openapi.types';

// Where ops tooling expects things: Prometheus, probes, Bull Board and this document.

const metrics: Operation = {
  operationId: 'metrics',
  summary: 'Prometheus metrics',
  description:
    'Services by state, pulses and events received, alerts sent/failed by channel, queue depth and oldest job age ' +
    'per queue, connected agents, the detection lag histogram, HTTP latency by route and the process metrics. With ' +
    '`METRICS_TOKEN` set, only for `Authorization: Bearer <token>`.',
  tags: ['Operations'],
  security: [{ metricsToken: [] }, {}],
  responses: {
    '200': {
      description: 'The Prometheus text format.',
      content: {
        'text/plain; version=0.0.4; charset=utf-8': {
          schema: { type: 'string' },
          examples: {
            scrape: {
              summary: 'An excerpt',
              value:
                '# HELP watchtower_services Heartbeat records by state (PostgreSQL copy).\n' +
                '# TYPE watchtower_services gauge\n' +
                'watchtower_services{state="alive"} 2\nwatchtower_services{state="dead"} 1\n' +
                '# HELP watchtower_pulses_received_total Pulses accepted (answered 200).\n' +
                '# TYPE watchtower_pulses_received_total counter\nwatchtower_pulses_received_total 3\n',
            },
          },
        },
      },
    },
    '401': {
      ...hinted(401, '`METRICS_TOKEN` is set and the bearer token is missing or wrong.', {
        token: 'metrics need Authorization: Bearer <METRICS_TOKEN>',
      }),
      headers: { 'WWW-Authenticate': { description: '`Bearer`.', schema: { type: 'string', const: 'Bearer' } } },
    },
  },
  'x-codeSamples': [
    curl('curl -s $W/metrics'),
    curl('curl -s -H "authorization: Bearer $METRICS_TOKEN" $W/metrics', 'with a token'),
  ],
};

const live: Operation = {
  operationId: 'healthLive',
  summary: 'Liveness',
  description: 'The process answers; nothing else is checked, so a store outage never gets it restarted.',
  tags: ['Operations'],
  security: NO_AUTH,
  responses: {
    '200': {
      description: 'Up.',
      content: { [JSON_TYPE]: json(ref('Health'), { up: ['Exactly this', { status: 'up' }] }) },
    },
  },
  'x-codeSamples': [curl('curl -s $W/health/live')],
};

const ready: Operation = {
  operationId: 'healthReady',
  summary: 'Readiness',
  description:
    "PostgreSQL, Redis, each queue (waiting jobs and the oldest one's age under `HEALTH_QUEUE_MAX_*`) and, in a " +
    'worker process, the sweeper; each check fails past `HEALTH_CHECK_TIMEOUT_MS`. Only names leave the process.',
  tags: ['Operations'],
  security: NO_AUTH,
  responses: {
    '200': {
      description: 'Ready.',
      content: { [JSON_TYPE]: json(ref('Health'), { up: ['Ready', { status: 'up' }] }) },
    },
    '503': {
      description: 'Degraded: the failing parts.',
      content: {
        [JSON_TYPE]: json(ref('Health'), {
          degraded: ['Redis away', { status: 'degraded', failing: ['redis', 'queue:alerts'] }],
        }),
      },
    },
  },
  'x-codeSamples': [curl('curl -s $W/health/ready')],
};

const bullBoard: Operation = {
  operationId: 'bullBoard',
  summary: 'Bull Board (queue dashboard)',
  description:
    "Every queue (`persistence`, `alerts`, `pings`, `maintenance`) with its jobs, failures and the providers' answers. " +
    'One entry for the whole board: its pages and JSON API live under `/bullboard/...` (for example ' +
    '`GET /bullboard/api/queues`), all behind the same HTTP basic auth (any user name, `ADMIN_PASSWORD`), throttled ' +
    'like every door.',
  tags: ['Operations'],
  security: [{ bullBoard: [] }],
  responses: {
    '200': { description: 'The board (HTML).', content: { 'text/html': { schema: { type: 'string' } } } },
    '401': {
      ...hinted(401, 'No or wrong credentials.', { auth: 'bull board needs the admin password' }),
      headers: {
        'WWW-Authenticate': {
          description: 'The basic-auth challenge.',
          schema: { type: 'string', const: 'Basic realm="Watchtower Bull Board", charset="UTF-8"' },
        },
      },
    },
    '429': hinted(
      429,
      'Too many failed authentications from this address.',
      {
        throttled: 'too many failed authentications, retry later',
      },
      { 'Retry-After': RETRY_AFTER },
    ),
  },
  'x-codeSamples': [curl('curl -s -u "admin:$(cat data/password)" $W/bullboard/api/queues', 'the queues as JSON')],
};

const docPage = (operationId: string, summary: string, type: string, excerpt: string, sample: string): Operation => ({
  operationId,
  summary,
  tags: ['Operations'],
  security: NO_AUTH,
  responses: {
    '200': {
      description: `\`${type}\`; the document holds no secrets, so no authentication.`,
      content: {
        [type]: { schema: { type: 'string' }, examples: { excerpt: { summary: 'The first bytes', value: excerpt } } },
      },
    },
  },
  'x-codeSamples': [curl(sample)],
});

export const OPS_PATHS: Record<string, PathItem> = {
  '/metrics': { get: metrics },
  '/health/live': { get: live },
  '/health/ready': { get: ready },
  '/bullboard': { get: bullBoard },
  '/api/docs': {
    get: docPage(
      'apiDocsPage',
      'This document, as a page',
      'text/html; charset=utf-8',
      '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
      'xdg-open $W/api/docs',
    ),
  },
  '/api/docs/json': {
    get: docPage(
      'apiDocsJson',
      'This document (OpenAPI 3.1)',
      'application/json; charset=utf-8',
      '{"openapi":"3.1.0","jsonSchemaDialect":"https://json-schema.org/draft/2020-12/schema","info":{',
      'curl -s $W/api/docs/json',
    ),
  },
  '/api/docs/docs.css': {
    get: docPage(
      'apiDocsStyle',
      "The page's stylesheet",
      'text/css; charset=utf-8',
      ':root {\n  color-scheme: light dark;',
      'curl -s $W/api/docs/docs.css',
    ),
  },
};
