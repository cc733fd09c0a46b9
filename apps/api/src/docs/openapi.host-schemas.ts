import { ALERT_TYPES } from '../alerts/channels';
import { ref } from './openapi.shared';
import type { Schema } from './openapi.types';

// The agent surfaces: the netwatch-compatible wire types (wire-format.md §2, abridged to the keys a reader
// needs; unknown keys are ignored at every level), enrollment (agent-protocol.md §1) and the hosts read API.

const u64: Schema = { type: 'integer', minimum: 0 };
const f64: Schema = { type: 'number' };
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type as 'string', 'null'] });
const text: Schema = { type: 'string' };
const rfc3339: Schema = { type: 'string', format: 'date-time', description: 'RFC 3339 in UTC, 0-9 fraction digits.' };
const uuid: Schema = { type: 'string', format: 'uuid' };
const epoch: Schema = { type: 'integer', description: 'Epoch seconds.' };
const alertType: Schema = { type: ['string', 'null'], enum: [...ALERT_TYPES, null] };

const object = (properties: Record<string, Schema>, required: string[], description?: string): Schema => ({
  type: 'object',
  ...(description === undefined ? {} : { description }),
  properties,
  required,
});
const envelope = (properties: Record<string, Schema>, required: string[]): Schema =>
  object({ ...properties, result: { type: 'integer', const: 200 } }, [...required, 'result']);

/** `[epoch seconds, value]` pairs, one per bucket of `step` seconds. */
const series: Schema = {
  type: 'array',
  maxItems: 1000,
  items: { type: 'array', prefixItems: [epoch, f64], minItems: 2, maxItems: 2 },
};

export const HOST_SCHEMAS: Record<string, Schema> = {
  HostInfo: object(
    {
      host_id: uuid,
      hostname: text,
      os: nullable(text),
      kernel: nullable(text),
      uptime_secs: nullable(u64),
      cpu_model: nullable(text),
      cpu_cores: nullable(u64),
      memory_total_bytes: nullable(u64),
    },
    ['host_id', 'hostname'],
  ),
  InterfaceMetric: object(
    {
      name: text,
      is_up: { type: 'boolean' },
      rx_bytes: u64,
      tx_bytes: u64,
      rx_bytes_delta: u64,
      tx_bytes_delta: u64,
      rx_packets: u64,
      tx_packets: u64,
      rx_errors: u64,
      tx_errors: u64,
      rx_drops: u64,
      tx_drops: u64,
      rx_rate: f64,
      tx_rate: f64,
    },
    [
      'name',
      'is_up',
      'rx_bytes',
      'tx_bytes',
      'rx_bytes_delta',
      'tx_bytes_delta',
      'rx_packets',
      'tx_packets',
      'rx_errors',
      'tx_errors',
      'rx_drops',
      'tx_drops',
    ],
  ),
  DiskUsage: object(
    { mount_point: text, device: text, total_bytes: u64, used_bytes: u64, available_bytes: u64, usage_pct: f64 },
    ['mount_point', 'device', 'total_bytes', 'used_bytes', 'available_bytes', 'usage_pct'],
  ),
  ProcessBandwidth: object(
    {
      process_name: text,
      pid: nullable(u64),
      rx_bytes: u64,
      tx_bytes: u64,
      rx_rate: f64,
      tx_rate: f64,
      connection_count: u64,
    },
    ['process_name', 'rx_bytes', 'tx_bytes', 'rx_rate', 'tx_rate', 'connection_count'],
  ),
  NetworkAlert: object(
    {
      severity: { type: 'string', enum: ['warning', 'critical'] },
      category: { type: 'string', enum: ['port_scan', 'beaconing', 'dns_tunnel', 'bandwidth'] },
      message: text,
      detail: text,
      timestamp: rfc3339,
    },
    ['severity', 'category', 'message', 'detail', 'timestamp'],
  ),
  Snapshot: {
    ...object(
      {
        timestamp: { ...rfc3339, description: 'Within ±24 h of server time; `(host_id, timestamp)` is stored once.' },
        interfaces: { type: 'array', items: ref('InterfaceMetric') },
        health: { type: ['object', 'null'], description: 'Gateway and DNS probes (wire-format.md §2.6).' },
        connection_count: nullable(u64),
        system: { type: ['object', 'null'], description: 'CPU, memory, load and swap (wire-format.md §2.7).' },
        disk_usage: { type: ['array', 'null'], items: ref('DiskUsage') },
        disk_io: { type: ['object', 'null'], description: 'Cumulative `read_bytes`, `write_bytes`.' },
        tcp_time_wait: nullable(u64),
        tcp_close_wait: nullable(u64),
        processes: { type: 'array', maxItems: 25, items: ref('ProcessBandwidth') },
        connections: { type: 'array', maxItems: 100, items: { type: 'object' } },
        alerts: { type: 'array', items: ref('NetworkAlert') },
        dns_analytics: { type: 'object' },
      },
      ['timestamp', 'interfaces'],
      'One collection; every key but `timestamp` and `interfaces` may be absent (wire-format.md §2.4).',
    ),
  },
  AgentHealth: object(
    {
      collectors_ok: { type: 'boolean' },
      dropped_count: u64,
      queue_depth: u64,
      packet_capture: { type: 'string', enum: ['active', 'off', 'unavailable'] },
    },
    ['collectors_ok', 'dropped_count', 'queue_depth'],
  ),
  IngestRequest: object(
    {
      schema_version: { type: 'integer', const: 1 },
      agent_version: text,
      host: ref('HostInfo'),
      snapshots: { type: 'array', minItems: 1, maxItems: 100, items: ref('Snapshot'), description: 'Oldest first.' },
      agent_health: ref('AgentHealth'),
    },
    ['agent_version', 'host', 'snapshots'],
    'A netwatch `IngestRequest`, bare or with the `schema_version`/`agent_health` envelope.',
  ),
  IngestResponse: object(
    {
      accepted: u64,
      rejected: u64,
      host_id: uuid,
      results: {
        type: 'array',
        description: 'One per snapshot, in request order.',
        items: object({ index: u64, status: { type: 'integer', enum: [200, 400, 500] }, message: text }, [
          'index',
          'status',
          'message',
        ]),
      },
    },
    ['accepted', 'rejected', 'host_id', 'results'],
    'Not the envelope: the netwatch body, keys in the reference order.',
  ),
  AgentConnection: object(
    {
      agentVersion: nullable(text),
      hostId: nullable(uuid),
      lastSnapshotAt: { type: ['integer', 'null'] },
      process: { type: 'string', description: 'The API process holding the socket.' },
      protocol: { type: 'string', enum: ['ws', 'wss'] },
      since: epoch,
    },
    ['agentVersion', 'hostId', 'lastSnapshotAt', 'process', 'protocol', 'since'],
  ),
  Agent: object(
    {
      alertTarget: nullable(text),
      alertType,
      connected: { type: 'boolean' },
      connection: { oneOf: [ref('AgentConnection'), { type: 'null' }] },
      createdAt: epoch,
      id: uuid,
      lastSeenAt: { type: ['integer', 'null'] },
      name: text,
      revokedAt: { type: ['integer', 'null'] },
    },
    ['alertTarget', 'alertType', 'connected', 'connection', 'createdAt', 'id', 'lastSeenAt', 'name', 'revokedAt'],
    'Never the key, its prefix or its digest.',
  ),
  EnrollRequest: object(
    {
      name: { type: ['string', 'number'], description: '1-255 characters, unique among agents not revoked.' },
      alertType,
      alertTarget: { type: ['string', 'null'], description: 'With `alertType`: both or neither.' },
    },
    ['name'],
  ),
  EnrollReply: envelope(
    {
      agent: object({ id: uuid, name: text }, ['id', 'name']),
      key: { type: 'string', pattern: '^wt_ak_[A-Za-z0-9]{32}$', description: 'Shown in this reply only.' },
    },
    ['agent', 'key'],
  ),
  AgentList: envelope({ agents: { type: 'array', items: ref('Agent') } }, ['agents']),
  RevokeReply: envelope({ action: { const: 'revoke' }, agent: ref('Agent') }, ['action', 'agent']),
  SettingsRequest: object(
    {
      interval_secs: { type: 'integer', minimum: 10, maximum: 3600 },
      health_interval_secs: { type: 'integer', minimum: 10, maximum: 86400 },
      bandwidth_alert_bytes_per_sec: { type: 'integer', minimum: 0 },
    },
    [],
    'At least one setting; an unknown key is refused.',
  ),
  CommandReply: envelope(
    {
      command: { type: 'string', enum: ['report_now', 'settings_update'] },
      delivered: { type: 'boolean', description: "Whether a connected agent's socket took it (within 2 s)." },
    },
    ['command', 'delivered'],
  ),
  HostSummary: object(
    {
      agentId: nullable(uuid),
      agentVersion: text,
      cpuPct: nullable(f64),
      diskUsedPct: { ...nullable(f64), description: 'The fullest mount.' },
      embedded: { type: 'boolean', description: "The API's own host (AGENT_EMBEDDED)." },
      hostname: text,
      id: uuid,
      lastSeenAt: epoch,
      lastSnapshotAt: { type: ['integer', 'null'] },
      load1: nullable(f64),
      memUsedPct: nullable(f64),
    },
    [
      'agentId',
      'agentVersion',
      'cpuPct',
      'diskUsedPct',
      'embedded',
      'hostname',
      'id',
      'lastSeenAt',
      'lastSnapshotAt',
      'load1',
      'memUsedPct',
    ],
  ),
  HostList: envelope({ hosts: { type: 'array', items: ref('HostSummary') } }, ['hosts']),
  HostDetail: envelope(
    {
      alerts: { type: 'array', items: ref('NetworkAlert'), description: 'The last hour, newest first.' },
      host: {
        allOf: [
          ref('HostSummary'),
          object({ firstSeenAt: epoch, info: ref('HostInfo'), load5: nullable(f64), load15: nullable(f64) }, [
            'firstSeenAt',
            'info',
            'load5',
            'load15',
          ]),
        ],
      },
      latest: {
        type: ['object', 'null'],
        description: 'The latest snapshot; null before the first one.',
        properties: {
          disks: { type: 'array', items: ref('DiskUsage') },
          interfaces: { type: 'array', items: ref('InterfaceMetric') },
          processes: { type: 'array', maxItems: 10, items: ref('ProcessBandwidth'), description: 'Busiest first.' },
          timestamp: epoch,
        },
        required: ['disks', 'interfaces', 'processes', 'timestamp'],
      },
    },
    ['alerts', 'host', 'latest'],
  ),
  HostMetrics: envelope(
    {
      cpu: series,
      diskUsedPct: series,
      from: epoch,
      interfaces: {
        type: 'object',
        description: 'Per interface: bytes/s from the counters; a counter reset leaves a gap.',
        additionalProperties: object({ rx: series, tx: series }, ['rx', 'tx']),
      },
      load1: series,
      memUsedPct: series,
      step: { type: 'integer', description: 'Raised to ceil((to - from) / 1000) so no series exceeds 1000 points.' },
      to: epoch,
    },
    ['cpu', 'diskUsedPct', 'from', 'interfaces', 'load1', 'memUsedPct', 'step', 'to'],
  ),
};
