import {
  curl,
  EXAMPLE_AGENT_ID,
  EXAMPLE_AGENT_VERSION,
  EXAMPLE_HOST_ID,
  plainError,
  RELEASE_VERSION,
} from './openapi.shared';
import type { Operation, SocketMessage } from './openapi.types';

// The agent WebSocket (agent-protocol.md §2-§3). OpenAPI describes the HTTP upgrade and its refusals; the frames
// go in `x-websocket`, which the HTML page renders as a table of messages with an example each.

const HOST_ID = EXAMPLE_HOST_ID;
const AGENT_ID = EXAMPLE_AGENT_ID;

const MESSAGES: SocketMessage[] = [
  {
    type: 'hello',
    direction: 'agent to server',
    description: 'The first message; anything else first closes with 1008, another schema version with 4003.',
    example: {
      type: 'hello',
      schema_version: 1,
      agent_version: EXAMPLE_AGENT_VERSION,
      host: {
        host_id: HOST_ID,
        hostname: 'db-prod-2',
        os: null,
        kernel: null,
        uptime_secs: null,
        cpu_model: null,
        cpu_cores: null,
        memory_total_bytes: null,
      },
    },
  },
  {
    type: 'welcome',
    direction: 'server to agent',
    description: 'The answer to hello: ids, server clock and the settings to apply.',
    example: {
      type: 'welcome',
      agent_id: AGENT_ID,
      host_id: HOST_ID,
      server_time: '2026-11-21T22:35:24.000Z',
      server_version: RELEASE_VERSION,
      settings: { interval_secs: 15, health_interval_secs: 30, bandwidth_alert_bytes_per_sec: 100000000 },
    },
  },
  {
    type: 'ingest',
    direction: 'agent to server',
    description:
      '1-100 snapshots (wire-format.md §2.4) and optional agent_health, the same pipeline as POST /api/v1/ingest.',
    example: { type: 'ingest', id: 'b-17', snapshots: [{ timestamp: '2026-11-21T22:35:24.512Z', interfaces: [] }] },
  },
  {
    type: 'ack',
    direction: 'server to agent',
    description:
      'Once the snapshots are durably queued, with the IngestResponse fields; for pulse and event, `result`.',
    example: {
      type: 'ack',
      id: 'b-17',
      accepted: 1,
      rejected: 0,
      host_id: HOST_ID,
      results: [{ index: 0, status: 200, message: 'OK' }],
    },
  },
  {
    type: 'pulse',
    direction: 'agent to server',
    description: 'Relays a heartbeat pulse, as POST /heartbeat; answered by `{"type":"ack","id":...,"result":200}`.',
    example: { type: 'pulse', id: 'p-1', service: 'backup', nextIn: 3600, alertType: 'log', alertTarget: 'ops' },
  },
  {
    type: 'event',
    direction: 'agent to server',
    description: 'Relays an event, as POST /event.',
    example: { type: 'event', id: 'e-1', service: 'backup', level: 3, message: 'disk 91% full' },
  },
  {
    type: 'bye',
    direction: 'agent to server',
    description:
      'A planned stop: the presence service `agent:<hostname>` is cancelled, then the server closes with 1000.',
    example: { type: 'bye', reason: 'SIGTERM' },
  },
  {
    type: 'error',
    direction: 'server to agent',
    description:
      'Bad input never drops the connection: `bad_json`, `unknown_type`, `invalid` (naming the field) or `unavailable` ' +
      '(keep the batch, retry). Ten errors within a minute close with 1008.',
    example: {
      type: 'error',
      id: 'b-17',
      code: 'invalid',
      message: 'snapshots[0].timestamp: must be an RFC 3339 timestamp',
    },
  },
  {
    type: 'settings_update',
    direction: 'server to agent',
    description: 'From POST /api/v1/agents/{id}/settings: applied without reconnecting.',
    example: { type: 'settings_update', settings: { interval_secs: 30 } },
  },
  {
    type: 'report_now',
    direction: 'server to agent',
    description: 'From POST /api/v1/agents/{id}/report-now: collect and send a snapshot at once.',
    example: { type: 'report_now' },
  },
];

export const AGENT_SOCKET: Operation = {
  operationId: 'agentSocket',
  summary: 'Agent WebSocket',
  description: [
    'The WebSocket `watchtower-agent` streams over, served by `api` and `all` processes on the HTTP port. The key is',
    'checked before the upgrade: a refused upgrade gets a real HTTP answer with `{"error": ...}` and no WebSocket ever',
    'exists, in the order listed. Frames are JSON text of at most 1 MiB (larger: close 1009; binary: 1003). The',
    'server pings every 30 s and terminates a connection silent for 75 s. A connection is `wss` over TLS, or with',
    '`X-Forwarded-Proto: https` from a proxy `TRUST_PROXY` trusts.',
  ].join(' '),
  tags: ['Agents'],
  security: [{ agentKey: [] }],
  parameters: [
    {
      name: 'Connection',
      in: 'header',
      required: true,
      description: 'The upgrade request.',
      schema: { const: 'Upgrade' },
    },
    {
      name: 'Upgrade',
      in: 'header',
      required: true,
      description: 'The upgrade request.',
      schema: { const: 'websocket' },
    },
    { name: 'Sec-WebSocket-Version', in: 'header', required: true, description: 'RFC 6455.', schema: { const: '13' } },
    {
      name: 'Sec-WebSocket-Key',
      in: 'header',
      required: true,
      description: 'RFC 6455.',
      schema: { type: 'string' },
      example: 'dGhlIHNhbXBsZSBub25jZQ==',
    },
  ],
  responses: {
    '101': { description: 'Switching Protocols: the agent then sends `hello`.' },
    '404': plainError('Another path than exactly /api/v1/agents/ws.', { refused: 'not found' }),
    '426': plainError('Plain `ws` while `AGENTS_REQUIRE_TLS=true`.', {
      refused: 'this server accepts agents over wss only',
    }),
    '401': plainError('Missing, malformed, unknown or revoked key.', {
      missing: 'missing Authorization: Bearer <agent key>',
      invalid: 'invalid or revoked agent key',
    }),
    '429': plainError(
      'This address failed to authenticate too often (the throttle every door shares).',
      { refused: 'too many failed authentications, retry later' },
      true,
    ),
    '503': plainError(
      'The server is shutting down, or the agents table is unreachable.',
      { stopping: 'server shutting down', unavailable: 'unavailable, retry later' },
      true,
    ),
  },
  'x-codeSamples': [
    curl(
      "curl -si -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' " +
        "-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' $W/api/v1/agents/ws",
      'a refused upgrade (no key): HTTP/1.1 401',
    ),
  ],
  'x-websocket': {
    closeCodes: {
      '1000': 'after `bye`',
      '1003': 'a binary frame',
      '1008': 'a first message other than hello, or ten errors within a minute',
      '1009': 'a frame over 1 MiB',
      '1013': 'the connection registry (Redis) is unavailable: retry later',
      '4000': 'replaced by a newer connection of the same agent, on any process',
      '4001': 'the agent was revoked (the agent stops)',
      '4003': 'protocol version refused (the agent stops)',
    },
    messages: MESSAGES,
  },
};
