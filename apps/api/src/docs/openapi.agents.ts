import { unknownAlertTypeHint } from '../alerts/channels';
import {
  ADMIN_AUTH,
  authenticatedErrors,
  badBody,
  curl,
  EXAMPLE_AGENT_ID as AGENT_ID,
  EXAMPLE_AGENT_VERSION,
  EXAMPLE_HOST_ID as HOST_ID,
  EXAMPLE_NOW as NOW,
  hinted,
  idParameter,
  jsonOrForm,
  ok,
  ref,
} from './openapi.shared';
import type { Operation, PathItem, Response } from './openapi.types';
import { AGENT_SOCKET } from './openapi.socket';

// Agents: enrollment, revocation and the commands that reach a connected agent (agent-protocol.md §1, README
// "Agents"), plus the WebSocket they connect over.

const { parameter: ID, notFound: AGENT_NOT_FOUND } = idParameter('agent', AGENT_ID);

const agent = {
  alertTarget: 'ops@example.org',
  alertType: 'mail',
  connected: false,
  connection: null,
  createdAt: NOW,
  id: AGENT_ID,
  lastSeenAt: null,
  name: 'web-1',
  revokedAt: null,
};
const connected = {
  ...agent,
  connected: true,
  connection: {
    agentVersion: EXAMPLE_AGENT_VERSION,
    hostId: HOST_ID,
    lastSnapshotAt: NOW,
    process: 'web-1-4242-k3j9',
    protocol: 'ws',
    since: NOW - 600,
  },
  lastSeenAt: NOW,
};

const enroll: Operation = {
  operationId: 'enrollAgent',
  summary: 'Enroll an agent',
  description:
    'Creates an agent and its key, shown in this reply only: the server keeps its first 14 characters and a SHA-256 ' +
    'digest. `alertType`/`alertTarget` (both or neither) route its presence alerts.',
  tags: ['Agents'],
  security: ADMIN_AUTH,
  requestBody: jsonOrForm(
    ref('EnrollRequest'),
    { enroll: ['README', { name: 'web-1', alertType: 'mail', alertTarget: 'ops@example.org' }] },
    { form: ['Form', 'name=web-1'] },
  ),
  responses: {
    '200': ok('Enrolled; keep the key.', ref('EnrollReply'), {
      enrolled: [
        'README',
        { agent: { id: AGENT_ID, name: 'web-1' }, key: 'wt_ak_Q3x9Lm2Vb7Nc4Kd8Zp1Rt6Yw0Hs5Jf3G', result: 200 },
      ],
    }),
    '400': badBody({
      noName: 'no name provided',
      badName: 'name must be a string of 1 to 255 characters',
      pair: 'alertType and alertTarget go together: give both or neither',
      unknownType: unknownAlertTypeHint('sms'),
      badTarget: 'invalid alert target for mail',
    }),
    '409': hinted(409, 'An agent that is not revoked already has this name.', {
      taken: 'agent name already taken: web-1 (revoke that agent first)',
    }),
    ...authenticatedErrors({ body: true }),
  },
  'x-codeSamples': [
    curl(`curl -s -H "$P" -d '{"name":"web-1","alertType":"mail","alertTarget":"ops@example.org"}' $W/api/v1/agents`),
  ],
};

const listAgents: Operation = {
  operationId: 'listAgents',
  summary: 'List agents',
  description:
    'Never a key. `connection` is the live WebSocket as every API process sees it (the Redis registry), null when ' +
    'the agent is not connected or its process stopped refreshing.',
  tags: ['Agents'],
  security: ADMIN_AUTH,
  responses: {
    '200': ok('Every agent, revoked ones included.', ref('AgentList'), {
      enrolled: ['Just enrolled', { agents: [agent], result: 200 }],
      connected: ['Connected', { agents: [connected], result: 200 }],
    }),
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" $W/api/v1/agents')],
};

const revoke: Operation = {
  operationId: 'revokeAgent',
  summary: 'Revoke an agent',
  description:
    'The key stops working at once and a live connection closes with 4001 (on whichever process holds it). The ' +
    'row stays, so its history does too; revoking again answers the same, first `revokedAt`.',
  tags: ['Agents'],
  security: ADMIN_AUTH,
  parameters: [ID],
  responses: {
    '200': ok('Revoked.', ref('RevokeReply'), {
      revoked: ['README', { action: 'revoke', agent: { ...agent, revokedAt: NOW + 60 }, result: 200 }],
    }),
    '404': AGENT_NOT_FOUND,
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl(`curl -s -H "$P" -X DELETE $W/api/v1/agents/${AGENT_ID}`)],
};

const command = (name: 'report_now' | 'settings_update', delivered: boolean): Response =>
  ok(
    "Whether a connected agent's socket took the command (false: unknown, revoked, offline or no answer in 2 s).",
    ref('CommandReply'),
    {
      [name]: ['README', { command: name, delivered, result: 200 }],
    },
  );

const reportNow: Operation = {
  operationId: 'agentReportNow',
  summary: 'Ask an agent for a snapshot now',
  tags: ['Agents'],
  security: ADMIN_AUTH,
  parameters: [ID],
  responses: { '200': command('report_now', true), '404': AGENT_NOT_FOUND, ...authenticatedErrors({ body: false }) },
  'x-codeSamples': [curl(`curl -s -H "$P" -X POST $W/api/v1/agents/${AGENT_ID}/report-now`)],
};

const settings: Operation = {
  operationId: 'agentSettings',
  summary: "Change an agent's settings",
  description: 'Sent as `settings_update` over its socket; the agent applies them without reconnecting.',
  tags: ['Agents'],
  security: ADMIN_AUTH,
  parameters: [ID],
  requestBody: jsonOrForm(
    ref('SettingsRequest'),
    { interval: ['README', { interval_secs: 30 }] },
    { form: ['Form (digits as text)', 'interval_secs=30'] },
  ),
  responses: {
    '200': command('settings_update', false),
    '400': badBody({
      none: 'no setting provided: interval_secs, health_interval_secs, bandwidth_alert_bytes_per_sec',
      unknown: 'unknown setting: interval',
      range: 'interval_secs must be an integer from 10 to 3600',
    }),
    '404': AGENT_NOT_FOUND,
    ...authenticatedErrors({ body: true }),
  },
  'x-codeSamples': [curl(`curl -s -H "$P" -d '{"interval_secs":30}' $W/api/v1/agents/${AGENT_ID}/settings`)],
};

export const AGENT_PATHS: Record<string, PathItem> = {
  '/api/v1/agents': { post: enroll, get: listAgents },
  '/api/v1/agents/{id}': { delete: revoke },
  '/api/v1/agents/{id}/report-now': { post: reportNow },
  '/api/v1/agents/{id}/settings': { post: settings },
  '/api/v1/agents/ws': { get: AGENT_SOCKET },
};
