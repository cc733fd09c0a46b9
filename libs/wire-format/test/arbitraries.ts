// fast-check generators of valid §2 values, written from the spec tables (not from src/schema.ts).
import fc from 'fast-check';
import type {
  Alert,
  ConnectionDetail,
  DiskUsage,
  DnsAnalytics,
  HealthMetric,
  HostInfo,
  IngestRequest,
  InterfaceMetric,
  ProcessBandwidth,
  Snapshot,
  SystemMetric,
} from '../src';

const u64 = fc.oneof(
  fc.nat(),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt(0n, 2n ** 63n).map(Number),
);
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const f64 = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer().map((n) => n / 10),
);
const text = fc.string({ unit: 'binary', maxLength: 12 });
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

export const timestamp = fc
  .tuple(
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 9 }),
    fc.nat(999_999_999),
    fc.constantFrom('Z', 'z', '+00:00', '+01:00', '-05:30', '+23:59'),
  )
  .map(([date, digits, fraction, zone]) => {
    const fractionText = digits === 0 ? '' : `.${String(fraction).padStart(9, '0').slice(0, digits)}`;
    return `${date.toISOString().slice(0, 19)}${fractionText}${zone}`;
  });

const interfaceMetric: fc.Arbitrary<InterfaceMetric> = fc.record(
  {
    name: text,
    is_up: fc.boolean(),
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
    rx_history: fc.array(u64, { maxLength: 60 }),
    tx_history: fc.array(u64, { maxLength: 60 }),
  },
  {
    requiredKeys: [
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
  },
);

const health: fc.Arbitrary<HealthMetric> = fc.record(
  {
    gateway_ip: nullable(text),
    gateway_rtt_ms: nullable(f64),
    gateway_loss_pct: nullable(f64),
    dns_ip: nullable(text),
    dns_rtt_ms: nullable(f64),
    dns_loss_pct: nullable(f64),
    gateway_rtt_history: fc.array(nullable(f64), { maxLength: 60 }),
    dns_rtt_history: fc.array(nullable(f64), { maxLength: 60 }),
  },
  { requiredKeys: ['gateway_ip', 'gateway_rtt_ms', 'gateway_loss_pct', 'dns_ip', 'dns_rtt_ms', 'dns_loss_pct'] },
);

const system: fc.Arbitrary<SystemMetric> = fc.record({
  cpu_usage_pct: nullable(f64),
  memory_total_bytes: nullable(u64),
  memory_used_bytes: nullable(u64),
  memory_available_bytes: nullable(u64),
  load_avg_1m: nullable(f64),
  load_avg_5m: nullable(f64),
  load_avg_15m: nullable(f64),
  swap_total_bytes: nullable(u64),
  swap_used_bytes: nullable(u64),
  cpu_per_core: nullable(fc.array(f64, { maxLength: 16 })),
});

const diskUsage: fc.Arbitrary<DiskUsage> = fc.record({
  mount_point: text,
  device: text,
  total_bytes: u64,
  used_bytes: u64,
  available_bytes: u64,
  usage_pct: f64,
});

const connection: fc.Arbitrary<ConnectionDetail> = fc.record(
  {
    protocol: fc.constantFrom('TCP', 'UDP'),
    local_addr: text,
    remote_addr: text,
    state: text,
    pid: nullable(u32),
    process_name: nullable(text),
    kernel_rtt_us: f64,
    rx_bytes: u64,
    tx_bytes: u64,
  },
  { requiredKeys: ['protocol', 'local_addr', 'remote_addr', 'state', 'pid', 'process_name'] },
);

const process: fc.Arbitrary<ProcessBandwidth> = fc.record(
  {
    process_name: text,
    pid: nullable(u32),
    rx_bytes: u64,
    tx_bytes: u64,
    rx_rate: f64,
    tx_rate: f64,
    connection_count: u32,
    cpu_pct: f64,
    ppid: u32,
    user: text,
    mem_rss_bytes: u64,
    mem_virt_bytes: u64,
    state: text,
    started_at: timestamp,
    cmd: text,
  },
  { requiredKeys: ['process_name', 'pid', 'rx_bytes', 'tx_bytes', 'rx_rate', 'tx_rate', 'connection_count'] },
);

const alert: fc.Arbitrary<Alert> = fc.record({
  severity: fc.constantFrom('warning', 'critical'),
  category: fc.constantFrom('port_scan', 'beaconing', 'dns_tunnel', 'bandwidth'),
  message: text,
  detail: text,
  timestamp,
});

const dnsAnalytics: fc.Arbitrary<DnsAnalytics> = fc.record({
  total_queries: u64,
  total_responses: u64,
  nxdomain_count: u64,
  latency_buckets: fc.array(u64, { minLength: 8, maxLength: 8 }),
  top_domains: fc.array(fc.tuple(text, u32), { maxLength: 20 }),
});

/** A valid snapshot; optional lists may be empty, which the serializer writes as no value. */
export const snapshot: fc.Arbitrary<Snapshot> = fc.record(
  {
    timestamp,
    interfaces: fc.array(interfaceMetric, { maxLength: 3 }),
    health: nullable(health),
    connection_count: nullable(u32),
    system: nullable(system),
    disk_usage: nullable(fc.array(diskUsage, { maxLength: 3 })),
    disk_io: nullable(fc.record({ read_bytes: u64, write_bytes: u64 })),
    tcp_time_wait: nullable(u32),
    tcp_close_wait: nullable(u32),
    processes: fc.array(process, { maxLength: 3 }),
    connections: fc.array(connection, { maxLength: 3 }),
    alerts: fc.array(alert, { maxLength: 3 }),
    dns_analytics: dnsAnalytics,
  },
  {
    requiredKeys: [
      'timestamp',
      'interfaces',
      'health',
      'connection_count',
      'system',
      'disk_usage',
      'disk_io',
      'tcp_time_wait',
      'tcp_close_wait',
    ],
  },
);

const hostInfo: fc.Arbitrary<HostInfo> = fc.record({
  host_id: fc.uuid(),
  hostname: text,
  os: nullable(text),
  kernel: nullable(text),
  uptime_secs: nullable(u64),
  cpu_model: nullable(text),
  cpu_cores: nullable(u32),
  memory_total_bytes: nullable(u64),
});

/** A valid request, with or without the envelope fields. */
export const ingestRequest: fc.Arbitrary<IngestRequest> = fc.record(
  {
    schema_version: fc.constant(1 as const),
    agent_version: text,
    host: hostInfo,
    snapshots: fc.array(snapshot, { minLength: 1, maxLength: 4 }),
    agent_health: fc.record(
      {
        collectors_ok: fc.boolean(),
        dropped_count: u64,
        queue_depth: u64,
        packet_capture: fc.constantFrom('active' as const, 'off' as const, 'unavailable' as const),
      },
      { requiredKeys: ['collectors_ok', 'dropped_count', 'queue_depth'] },
    ),
  },
  { requiredKeys: ['agent_version', 'host', 'snapshots'] },
);
