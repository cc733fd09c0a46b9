import { HOST_SCHEMAS } from './openapi.host-schemas';
import { AGENT_PATHS } from './openapi.agents';
import { CONSOLE_PATHS } from './openapi.console';
import { EVENT_PATHS } from './openapi.events';
import { HEARTBEAT_PATHS } from './openapi.heartbeats';
import { HOST_PATHS } from './openapi.hosts';
import { INGEST_PATHS } from './openapi.ingest';
import { OPS_PATHS } from './openapi.ops';
import { WATCHTOWER_SCHEMAS } from './openapi.schemas';
import { COMMON_RESPONSES, RELEASE_VERSION } from './openapi.shared';
import type { OpenApiDocument } from './openapi.types';

// Hand-written rather than generated from decorators: the DTOs are parsers with ordered checks and exact hints
// (watchtower-protocol.md §5), which no decorator describes. openapi.e2e-spec.ts keeps it honest: every route
// Fastify registers must be here, every path here must answer, and the examples must match the live answers.

const DESCRIPTION = [
  "Self-hosted monitoring: heartbeats (a dead man's switch), event aggregation and host agents, with the",
  'watchTower API at the listener root and the agent, host and console APIs under `/api/v1`.',
  '',
  'The examples use the shell variables of the README:',
  '`W=http://localhost:5000; P="password: $(cat data/password)"` (and `K`, an agent key).',
  '',
  '**The envelope.** Every JSON answer of the watchTower, agents, hosts and console routes is one line of JSON plus',
  '`\\n`, keys sorted at every level, non-ASCII escaped as `\\u00e9`, with `result`: 200 on success (HTTP 200, never',
  '201 or 204), otherwise the real HTTP status again, with a `hint` naming the field and the reason. The agent',
  'surfaces (`/api/v1/ingest`, the WebSocket upgrade) answer the netwatch `{"error": ...}` instead.',
  '',
  '**Order of checks** (the first failure answers): routing (`404` hint `not found`, `405` hint',
  '`method not allowed` with `Allow`) → throttle (`429`) → authentication (`403`) → body size (`413`) → body',
  'parsing (`400`) → field validation (`400`) → lookup (`404`) → handler. A bad password with a malformed body is',
  '`403`, never `400`.',
  '',
  '**Bodies.** `POST` and `DELETE` bodies are read as JSON whatever the content type, except',
  '`application/x-www-form-urlencoded` (form fields, every value a string, a repeated key keeps its last value) and',
  '`multipart/form-data` (refused: `400 unsupported content type`). An empty body is `{}`; unknown keys are',
  'ignored.',
  '',
  '**Everywhere.** `OPTIONS` answers the CORS preflight with `204` on every route without authentication',
  '(`CORS_ORIGINS`, default `*`); `HEAD` answers every `GET` route.',
].join('\n');

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'Watchtower API',
    version: RELEASE_VERSION,
    summary: 'Heartbeats, events, agents and hosts: every route of the server.',
    description: DESCRIPTION,
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: '/', description: 'This server' }],
  tags: [
    {
      name: 'Heartbeats',
      description: "The dead man's switch: pulse, cancel, list and delete (watchtower-protocol.md §5.2-§5.6, §5.11).",
    },
    { name: 'Events', description: 'Add and search events (watchtower-protocol.md §5.7, §5.8, §7).' },
    { name: 'Server', description: 'Server information and URL monitors (watchtower-protocol.md §5.1, §5.9).' },
    { name: 'Agents', description: 'Enrollment, commands and the agent WebSocket (agent-protocol.md).' },
    { name: 'Agent ingest', description: 'The netwatch-compatible HTTP ingest (wire-format.md §4).' },
    { name: 'Hosts', description: 'What agents sent, read back for the console and charts.' },
    { name: 'Console', description: 'The console at /gui and the calls it makes (docs/console-api.md).' },
    { name: 'Operations', description: 'Prometheus, health probes, Bull Board and this document.' },
  ],
  paths: {
    ...HEARTBEAT_PATHS,
    ...EVENT_PATHS,
    ...AGENT_PATHS,
    ...INGEST_PATHS,
    ...HOST_PATHS,
    ...CONSOLE_PATHS,
    ...OPS_PATHS,
  },
  components: {
    schemas: { ...WATCHTOWER_SCHEMAS, ...HOST_SCHEMAS },
    responses: COMMON_RESPONSES,
    securitySchemes: {
      password: {
        type: 'apiKey',
        in: 'header',
        name: 'password',
        description: 'The shared secret, `WATCHTOWER_PASSWORD` (generated into `data/password` by the quick start).',
      },
      adminPassword: {
        type: 'apiKey',
        in: 'header',
        name: 'password',
        description: '`ADMIN_PASSWORD` (by default the shared password) in the same `password` header.',
      },
      consoleSession: {
        type: 'apiKey',
        in: 'cookie',
        name: 'wt_session',
        description:
          "The console's signed session from `POST /api/v1/session`; it stands for the admin password. A change " +
          "(`POST`, `DELETE`) with it must carry the API's own `Origin`, else `403 cross-origin request refused`.",
      },
      bullBoard: { type: 'http', scheme: 'basic', description: 'Any user name, the admin password.' },
      agentKey: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'wt_ak_<32 letters and digits>',
        description: "An agent's key from enrollment (`Authorization: Bearer <key>`), for ingest and the WebSocket.",
      },
      metricsToken: {
        type: 'http',
        scheme: 'bearer',
        description: '`METRICS_TOKEN`, only when it is set; otherwise /metrics is open.',
      },
    },
  },
};
