// The netwatch-compatible payload types of wire-format.md §2. Keys are the wire keys, written by hand (§6.1).
// Null-kind optionals are `T | null` and always present; omit-kind optionals are `key?: T`.
// Timestamps stay strings (RFC 3339) so they are re-emitted exactly as received (§1.4).

/** `Alert.severity` (§2.12). A new value is a breaking change for Rust consumers. */
export type AlertSeverity = 'warning' | 'critical';

/** `Alert.category` (§2.12). A new value is a breaking change for Rust consumers. */
export type AlertCategory = 'port_scan' | 'beaconing' | 'dns_tunnel' | 'bandwidth';

/** `AgentHealth.packet_capture`, our extension (§2.2). */
export type PacketCaptureState = 'active' | 'off' | 'unavailable';

/** Request body of `POST /api/v1/ingest`: the bare netwatch `IngestRequest` plus the envelope fields (§2.1). */
export interface IngestRequest {
  /** Constant `1`; absent in older agents. */
  schema_version?: 1;
  agent_version: string;
  host: HostInfo;
  /** Oldest first, 1 to 100 entries. */
  snapshots: Snapshot[];
  agent_health?: AgentHealth;
}

/** §2.2 */
export interface AgentHealth {
  collectors_ok: boolean;
  dropped_count: number;
  queue_depth: number;
  packet_capture?: PacketCaptureState;
}

/** §2.3 */
export interface HostInfo {
  /** Lowercase hyphenated UUID. */
  host_id: string;
  hostname: string;
  os: string | null;
  kernel: string | null;
  uptime_secs: number | null;
  cpu_model: string | null;
  cpu_cores: number | null;
  memory_total_bytes: number | null;
}

/** §2.4 */
export interface Snapshot {
  /** RFC 3339, kept verbatim. */
  timestamp: string;
  interfaces: InterfaceMetric[];
  health: HealthMetric | null;
  connection_count: number | null;
  system: SystemMetric | null;
  /** `null` rather than `[]` when empty. */
  disk_usage: DiskUsage[] | null;
  disk_io: DiskIo | null;
  tcp_time_wait: number | null;
  tcp_close_wait: number | null;
  processes?: ProcessBandwidth[];
  connections?: ConnectionDetail[];
  alerts?: Alert[];
  dns_analytics?: DnsAnalytics;
}

/** §2.5 */
export interface InterfaceMetric {
  name: string;
  is_up: boolean;
  rx_bytes: number;
  tx_bytes: number;
  rx_bytes_delta: number;
  tx_bytes_delta: number;
  rx_packets: number;
  tx_packets: number;
  rx_errors: number;
  tx_errors: number;
  rx_drops: number;
  tx_drops: number;
  /** f64, bytes per second. */
  rx_rate?: number;
  /** f64, bytes per second. */
  tx_rate?: number;
  rx_history?: number[];
  tx_history?: number[];
}

/** §2.6 */
export interface HealthMetric {
  gateway_ip: string | null;
  gateway_rtt_ms: number | null;
  gateway_loss_pct: number | null;
  dns_ip: string | null;
  dns_rtt_ms: number | null;
  dns_loss_pct: number | null;
  /** A failed probe stays `null` so gaps remain visible. */
  gateway_rtt_history?: (number | null)[];
  dns_rtt_history?: (number | null)[];
}

/** §2.7: every key is null-kind. */
export interface SystemMetric {
  cpu_usage_pct: number | null;
  memory_total_bytes: number | null;
  memory_used_bytes: number | null;
  memory_available_bytes: number | null;
  load_avg_1m: number | null;
  load_avg_5m: number | null;
  load_avg_15m: number | null;
  swap_total_bytes: number | null;
  swap_used_bytes: number | null;
  cpu_per_core: number[] | null;
}

/** §2.8 */
export interface DiskUsage {
  mount_point: string;
  device: string;
  total_bytes: number;
  used_bytes: number;
  available_bytes: number;
  /** f64, one decimal. */
  usage_pct: number;
}

/** §2.9: cumulative bytes since boot, not a rate. */
export interface DiskIo {
  read_bytes: number;
  write_bytes: number;
}

/** §2.10 */
export interface ConnectionDetail {
  /** `"TCP"` or `"UDP"`. */
  protocol: string;
  local_addr: string;
  remote_addr: string;
  state: string;
  pid: number | null;
  process_name: string | null;
  /** f64, microseconds. */
  kernel_rtt_us?: number;
  rx_bytes?: number;
  tx_bytes?: number;
}

/** §2.11 */
export interface ProcessBandwidth {
  process_name: string;
  pid: number | null;
  rx_bytes: number;
  tx_bytes: number;
  rx_rate: number;
  tx_rate: number;
  connection_count: number;
  cpu_pct?: number;
  ppid?: number;
  user?: string;
  mem_rss_bytes?: number;
  mem_virt_bytes?: number;
  state?: string;
  /** RFC 3339, kept verbatim. */
  started_at?: string;
  cmd?: string;
}

/** §2.12 */
export interface Alert {
  severity: AlertSeverity;
  category: AlertCategory;
  message: string;
  detail: string;
  /** RFC 3339, kept verbatim. */
  timestamp: string;
}

/** §2.13 */
export interface DnsAnalytics {
  total_queries: number;
  total_responses: number;
  nxdomain_count: number;
  /** Exactly 8 counts: <5, <10, <25, <50, <100, <250, <500, ≥500 ms. */
  latency_buckets: number[];
  /** At most 20 `[base domain, query count]` pairs, descending by count. */
  top_domains: [string, number][];
}

/** Server → agent answer to an ingest (§2.14). */
export interface IngestResponse {
  accepted: number;
  rejected: number;
  host_id: string;
  /** One per request snapshot, in request order. */
  results: SnapshotResult[];
}

/** §2.14 */
export interface SnapshotResult {
  index: number;
  /** HTTP-like: 200, 400 or 500. */
  status: number;
  /** `"OK"` on success. */
  message: string;
}
