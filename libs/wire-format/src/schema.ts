// The §2 tables as data: key order, kind and wire type of every field. validate.ts and serialize.ts both
// walk these tables, so integer-vs-float and null-vs-omit are decided in exactly one place.
import type {
  AgentHealth,
  Alert,
  ConnectionDetail,
  DiskIo,
  DiskUsage,
  DnsAnalytics,
  HealthMetric,
  HostInfo,
  IngestRequest,
  IngestResponse,
  InterfaceMetric,
  ProcessBandwidth,
  Snapshot,
  SnapshotResult,
  SystemMetric,
} from './types';

export type Kind = 'req' | 'null' | 'omit';
export type NumberType = 'u16' | 'u32' | 'u64' | 'f64';
export type StringType = 'string' | 'timestamp' | 'uuid';

export type FieldType =
  | NumberType
  | StringType
  | 'bool'
  | { readonly literal: number }
  | { readonly enum: readonly string[] }
  | ArrayType
  | { readonly tuple: readonly FieldType[] }
  | { readonly object: ObjectSchema };

// Only the RTT histories may hold null (§6.3); they have no length rule, so the two shapes stay apart
export type ArrayType =
  | { readonly array: FieldType; readonly size?: number; readonly min?: number; readonly max?: number }
  | { readonly array: FieldType; readonly nullItems: true };

export interface FieldSpec {
  readonly key: string;
  readonly kind: Kind;
  readonly type: FieldType;
  // true when a present value still counts as "no value" (§6.2), beyond the empty list every optional has
  readonly isEmpty?: (value: unknown) => boolean;
}

export interface ObjectSchema<T = unknown> {
  readonly fields: readonly FieldSpec[];
  // phantom: ties a table to its interface so a table for the wrong type does not compile
  readonly type?: T;
}

// The compiler checks each table against its interface: every key present, the kind matching `?` / `| null`,
// and the wire type matching the TypeScript type (a number field cannot be declared a string, and so on).
type TypeFor<V> = [V] extends [boolean]
  ? 'bool'
  : [V] extends [number]
    ? number extends V
      ? NumberType
      : { readonly literal: V }
    : [V] extends [string]
      ? string extends V
        ? StringType
        : { readonly enum: readonly V[] }
      : [V] extends [readonly [infer A, infer B]]
        ? { readonly tuple: readonly [TypeFor<A>, TypeFor<B>] }
        : [V] extends [readonly (infer E)[]]
          ? null extends E
            ? { readonly array: TypeFor<NonNullable<E>>; readonly nullItems: true }
            : { readonly array: TypeFor<E>; readonly size?: number; readonly min?: number; readonly max?: number }
          : { readonly object: ObjectSchema<V> };

type KindOf<T, K extends keyof T> = object extends Pick<T, K> ? 'omit' : null extends T[K] ? 'null' : 'req';

type Table<T> = {
  readonly [K in keyof T]-?: {
    readonly kind: KindOf<T, K>;
    readonly type: TypeFor<NonNullable<T[K]>>;
    readonly isEmpty?: (value: NonNullable<T[K]>) => boolean;
  };
};

function table<T>(fields: Table<T>): ObjectSchema<T> {
  return { fields: Object.entries(fields).map(([key, f]) => ({ key, ...(f as Omit<FieldSpec, 'key'>) })) };
}

const req = <const T extends FieldType>(type: T) => ({ kind: 'req' as const, type });
const nul = <const T extends FieldType>(type: T) => ({ kind: 'null' as const, type });
const omit = <const T extends FieldType>(type: T) => ({ kind: 'omit' as const, type });

/** Allowed `Alert.severity` values (§2.12). */
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
/** Allowed `Alert.category` values (§2.12). */
export const ALERT_CATEGORIES = ['port_scan', 'beaconing', 'dns_tunnel', 'bandwidth'] as const;
/** Allowed `AgentHealth.packet_capture` values (§2.2). */
export const PACKET_CAPTURE_STATES = ['active', 'off', 'unavailable'] as const;
/** Snapshots per request (§2.1, §6.10). */
export const MAX_SNAPSHOTS = 100;
/** Serialized request size limit in bytes, for the agent's batch halving and the server's 413 (§4.2, §5.3). */
export const MAX_REQUEST_BYTES = 5_000_000;
export const SNAPSHOT_BOUNDS = { min: 1, max: MAX_SNAPSHOTS } as const;
/** `DnsAnalytics.latency_buckets` length (§2.13). */
export const LATENCY_BUCKET_COUNT = 8;

export const agentHealthTable = table<AgentHealth>({
  collectors_ok: req('bool'),
  dropped_count: req('u64'),
  queue_depth: req('u64'),
  packet_capture: omit({ enum: PACKET_CAPTURE_STATES }),
});

export const hostInfoTable = table<HostInfo>({
  host_id: req('uuid'),
  hostname: req('string'),
  os: nul('string'),
  kernel: nul('string'),
  uptime_secs: nul('u64'),
  cpu_model: nul('string'),
  cpu_cores: nul('u32'),
  memory_total_bytes: nul('u64'),
});

const interfaceTable = table<InterfaceMetric>({
  name: req('string'),
  is_up: req('bool'),
  rx_bytes: req('u64'),
  tx_bytes: req('u64'),
  rx_bytes_delta: req('u64'),
  tx_bytes_delta: req('u64'),
  rx_packets: req('u64'),
  tx_packets: req('u64'),
  rx_errors: req('u64'),
  tx_errors: req('u64'),
  rx_drops: req('u64'),
  tx_drops: req('u64'),
  rx_rate: omit('f64'),
  tx_rate: omit('f64'),
  rx_history: omit({ array: 'u64' }),
  tx_history: omit({ array: 'u64' }),
});

const healthTable = table<HealthMetric>({
  gateway_ip: nul('string'),
  gateway_rtt_ms: nul('f64'),
  gateway_loss_pct: nul('f64'),
  dns_ip: nul('string'),
  dns_rtt_ms: nul('f64'),
  dns_loss_pct: nul('f64'),
  gateway_rtt_history: omit({ array: 'f64', nullItems: true }),
  dns_rtt_history: omit({ array: 'f64', nullItems: true }),
});

const systemTable = table<SystemMetric>({
  cpu_usage_pct: nul('f64'),
  memory_total_bytes: nul('u64'),
  memory_used_bytes: nul('u64'),
  memory_available_bytes: nul('u64'),
  load_avg_1m: nul('f64'),
  load_avg_5m: nul('f64'),
  load_avg_15m: nul('f64'),
  swap_total_bytes: nul('u64'),
  swap_used_bytes: nul('u64'),
  cpu_per_core: nul({ array: 'f64' }),
});

const diskUsageTable = table<DiskUsage>({
  mount_point: req('string'),
  device: req('string'),
  total_bytes: req('u64'),
  used_bytes: req('u64'),
  available_bytes: req('u64'),
  usage_pct: req('f64'),
});

const diskIoTable = table<DiskIo>({
  read_bytes: req('u64'),
  write_bytes: req('u64'),
});

const connectionTable = table<ConnectionDetail>({
  protocol: req('string'),
  local_addr: req('string'),
  remote_addr: req('string'),
  state: req('string'),
  pid: nul('u32'),
  process_name: nul('string'),
  kernel_rtt_us: omit('f64'),
  rx_bytes: omit('u64'),
  tx_bytes: omit('u64'),
});

const processTable = table<ProcessBandwidth>({
  process_name: req('string'),
  pid: nul('u32'),
  rx_bytes: req('u64'),
  tx_bytes: req('u64'),
  rx_rate: req('f64'),
  tx_rate: req('f64'),
  connection_count: req('u32'),
  cpu_pct: omit('f64'),
  ppid: omit('u32'),
  user: omit('string'),
  mem_rss_bytes: omit('u64'),
  mem_virt_bytes: omit('u64'),
  state: omit('string'),
  started_at: omit('timestamp'),
  cmd: omit('string'),
});

const alertTable = table<Alert>({
  severity: req({ enum: ALERT_SEVERITIES }),
  category: req({ enum: ALERT_CATEGORIES }),
  message: req('string'),
  detail: req('string'),
  timestamp: req('timestamp'),
});

const dnsAnalyticsTable = table<DnsAnalytics>({
  total_queries: req('u64'),
  total_responses: req('u64'),
  nxdomain_count: req('u64'),
  latency_buckets: req({ array: 'u64', size: LATENCY_BUCKET_COUNT }),
  top_domains: req({ array: { tuple: ['string', 'u32'] } }),
});

// §6.2: omitted while all counters are 0. Defensive reads: the serializer asks before checking the value.
function dnsAnalyticsIsEmpty(dns: DnsAnalytics): boolean {
  return (
    dns.total_queries === 0 &&
    dns.total_responses === 0 &&
    dns.nxdomain_count === 0 &&
    Array.isArray(dns.latency_buckets) &&
    dns.latency_buckets.every((count) => count === 0) &&
    Array.isArray(dns.top_domains) &&
    dns.top_domains.length === 0
  );
}

export const snapshotTable = table<Snapshot>({
  timestamp: req('timestamp'),
  interfaces: req({ array: { object: interfaceTable } }),
  health: nul({ object: healthTable }),
  connection_count: nul('u32'),
  system: nul({ object: systemTable }),
  disk_usage: nul({ array: { object: diskUsageTable } }),
  disk_io: nul({ object: diskIoTable }),
  tcp_time_wait: nul('u32'),
  tcp_close_wait: nul('u32'),
  processes: omit({ array: { object: processTable } }),
  connections: omit({ array: { object: connectionTable } }),
  alerts: omit({ array: { object: alertTable } }),
  dns_analytics: { ...omit({ object: dnsAnalyticsTable }), isEmpty: dnsAnalyticsIsEmpty },
});

export const ingestRequestTable = table<IngestRequest>({
  schema_version: omit({ literal: 1 }),
  agent_version: req('string'),
  host: req({ object: hostInfoTable }),
  snapshots: req({ array: { object: snapshotTable }, ...SNAPSHOT_BOUNDS }),
  agent_health: omit({ object: agentHealthTable }),
});

const snapshotResultTable = table<SnapshotResult>({
  index: req('u32'),
  status: req('u16'),
  message: req('string'),
});

export const ingestResponseTable = table<IngestResponse>({
  accepted: req('u32'),
  rejected: req('u32'),
  host_id: req('uuid'),
  results: req({ array: { object: snapshotResultTable } }),
});
