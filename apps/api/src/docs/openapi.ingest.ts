import {
  curl,
  EXAMPLE_AGENT_VERSION,
  examples,
  EXAMPLE_HOST_ID as HOST_ID,
  JSON_TYPE,
  json,
  plainError,
  ref,
} from './openapi.shared';
import type { Operation, PathItem } from './openapi.types';

// The netwatch-compatible HTTP ingest (wire-format.md §4): an agent key, not the password, and netwatch's bodies,
// not the envelope.

const INGEST_EXAMPLE = {
  schema_version: 1,
  agent_version: EXAMPLE_AGENT_VERSION,
  host: {
    host_id: HOST_ID,
    hostname: 'db-prod-2',
    os: 'Debian GNU/Linux 12 (bookworm)',
    kernel: '6.1.0-26-amd64',
    uptime_secs: 1209600,
    cpu_model: 'AMD EPYC 7543P 32-Core Processor',
    cpu_cores: 8,
    memory_total_bytes: 16777216000,
  },
  snapshots: [
    {
      timestamp: '2026-11-21T22:35:24.512Z',
      interfaces: [
        {
          name: 'eth0',
          is_up: true,
          rx_bytes: 918273645120,
          tx_bytes: 120398475610,
          rx_bytes_delta: 1500000,
          tx_bytes_delta: 450000,
          rx_packets: 734019283,
          tx_packets: 210394857,
          rx_errors: 0,
          tx_errors: 0,
          rx_drops: 7,
          tx_drops: 0,
          rx_rate: 100000.0,
          tx_rate: 30000.0,
        },
      ],
      system: {
        cpu_usage_pct: 23.4,
        memory_total_bytes: 16777216000,
        memory_used_bytes: 6442450944,
        memory_available_bytes: 10334765056,
        load_avg_1m: 0.42,
        load_avg_5m: 0.38,
        load_avg_15m: 0.31,
        swap_total_bytes: 4294967296,
        swap_used_bytes: 0,
        cpu_per_core: [20.0, 26.8],
      },
    },
  ],
  agent_health: { collectors_ok: true, dropped_count: 0, queue_depth: 1 },
};
const OK_RESULT = { index: 0, status: 200, message: 'OK' };

const ingest: Operation = {
  operationId: 'ingest',
  summary: 'Ingest snapshots (netwatch-compatible)',
  description: [
    'A netwatch agent pointed at this server works unchanged. Each snapshot is judged on its own; the good ones',
    'and the host are acknowledged once durably queued, and a snapshot already stored for `(host_id, timestamp)`',
    'is accepted and changes nothing, so retries are safe. 200 all accepted, 207 some, 400 none: the body is',
    'always the IngestResponse. Request-level failures answer `{"error": ...}`, checked in the order listed.',
    'Its body limit is 5,000,000 bytes, above `BODY_LIMIT_BYTES`.',
  ].join(' '),
  tags: ['Agent ingest'],
  security: [{ agentKey: [] }],
  requestBody: {
    required: true,
    content: { [JSON_TYPE]: json(ref('IngestRequest'), { agent: ['wire-format.md §3, abridged', INGEST_EXAMPLE] }) },
  },
  responses: {
    '200': {
      description: 'Every snapshot accepted.',
      content: {
        [JSON_TYPE]: json(ref('IngestResponse'), {
          accepted: ['wire-format.md §3', { accepted: 1, rejected: 0, host_id: HOST_ID, results: [OK_RESULT] }],
        }),
      },
    },
    '207': {
      description: 'Some snapshots accepted.',
      content: {
        [JSON_TYPE]: json(ref('IngestResponse'), {
          partial: [
            'wire-format.md §3: the second snapshot too old',
            {
              accepted: 1,
              rejected: 1,
              host_id: HOST_ID,
              results: [OK_RESULT, { index: 1, status: 400, message: 'Timestamp outside ±24 hour window' }],
            },
          ],
        }),
      },
    },
    '400': {
      description: 'No snapshot accepted (an IngestResponse), or the request itself is invalid (`{"error": ...}`).',
      content: {
        [JSON_TYPE]: {
          schema: { oneOf: [ref('IngestResponse'), ref('PlainError')] },
          examples: examples({
            rejected: [
              'README: a rejected snapshot',
              {
                accepted: 0,
                rejected: 1,
                host_id: HOST_ID,
                results: [
                  {
                    index: 0,
                    status: 400,
                    message: 'snapshots[0].interfaces[0].rx_bytes: must be a non-negative integer',
                  },
                ],
              },
            ],
            badJson: ['invalid JSON body', { error: 'invalid JSON body' }],
            noHost: ['host: is required', { error: 'host: is required' }],
            empty: ['snapshots: must have at least 1 element', { error: 'snapshots: must have at least 1 element' }],
          }),
        },
      },
    },
    '401': plainError('Missing, malformed, unknown or revoked key.', {
      missing: 'missing bearer token',
      invalid: 'invalid API key',
    }),
    '413': plainError('Body over 5,000,000 bytes, or more than 100 snapshots.', {
      body: 'request body larger than 5000000 bytes',
      snapshots: 'snapshots: must have at most 100 elements',
    }),
    '415': plainError('`Content-Type` is not `application/json`.', { type: 'Content-Type must be application/json' }),
    '429': plainError(
      'Too many failed authentications from this address (checked first), or more than `INGEST_RATE_LIMIT` requests in 60 s for this key.',
      { throttled: 'too many failed authentications', rate: 'rate limit exceeded' },
      true,
    ),
    '500': plainError('An unexpected failure.', { internal: 'internal error (ref 3k9x0a7b2c)' }),
    '503': plainError(
      'The queue cannot take them: nothing is acknowledged.',
      { unavailable: 'unavailable, retry later' },
      true,
    ),
  },
  'x-codeSamples': [
    curl(
      `curl -s -H "authorization: Bearer $K" -H 'content-type: application/json' ` +
        '-d @libs/wire-format/test/fixtures/example.json $W/api/v1/ingest',
    ),
  ],
};

export const INGEST_PATHS: Record<string, PathItem> = { '/api/v1/ingest': { post: ingest } };
