// The fields of §2 by kind, written out from the spec rather than read from src/schema.ts, so a wrong
// table fails the tests. Paths point into the §3 example.

/** Optional fields and their kind. */
export const optionalFields: [string, 'null' | 'omit'][] = [
  ['schema_version', 'omit'],
  ['agent_health', 'omit'],
  ...['os', 'kernel', 'uptime_secs', 'cpu_model', 'cpu_cores', 'memory_total_bytes'].map((k): [string, 'null'] => [
    `host.${k}`,
    'null',
  ]),
  ...['health', 'connection_count', 'system', 'disk_usage', 'disk_io', 'tcp_time_wait', 'tcp_close_wait'].map(
    (k): [string, 'null'] => [`snapshots[0].${k}`, 'null'],
  ),
  ...['processes', 'connections', 'alerts', 'dns_analytics'].map((k): [string, 'omit'] => [
    `snapshots[0].${k}`,
    'omit',
  ]),
  ...['rx_rate', 'tx_rate', 'rx_history', 'tx_history'].map((k): [string, 'omit'] => [
    `snapshots[0].interfaces[0].${k}`,
    'omit',
  ]),
  ...['gateway_ip', 'gateway_rtt_ms', 'gateway_loss_pct', 'dns_ip', 'dns_rtt_ms', 'dns_loss_pct'].map(
    (k): [string, 'null'] => [`snapshots[0].health.${k}`, 'null'],
  ),
  ...['gateway_rtt_history', 'dns_rtt_history'].map((k): [string, 'omit'] => [`snapshots[0].health.${k}`, 'omit']),
  ...[
    'cpu_usage_pct',
    'memory_total_bytes',
    'memory_used_bytes',
    'memory_available_bytes',
    'load_avg_1m',
    'load_avg_5m',
    'load_avg_15m',
    'swap_total_bytes',
    'swap_used_bytes',
    'cpu_per_core',
  ].map((k): [string, 'null'] => [`snapshots[0].system.${k}`, 'null']),
  ...['pid', 'process_name'].map((k): [string, 'null'] => [`snapshots[0].connections[0].${k}`, 'null']),
  ...['kernel_rtt_us', 'rx_bytes', 'tx_bytes'].map((k): [string, 'omit'] => [
    `snapshots[0].connections[0].${k}`,
    'omit',
  ]),
  ['snapshots[0].processes[0].pid', 'null'],
  ...['cpu_pct', 'ppid', 'user', 'mem_rss_bytes', 'mem_virt_bytes', 'state', 'started_at', 'cmd'].map(
    (k): [string, 'omit'] => [`snapshots[0].processes[0].${k}`, 'omit'],
  ),
];

/** A selection of required fields, at least one per type. */
export const requiredFields = [
  'agent_version',
  'host',
  'host.host_id',
  'host.hostname',
  'snapshots[0].timestamp',
  'snapshots[0].interfaces',
  ...['name', 'is_up', 'rx_bytes', 'tx_bytes', 'rx_bytes_delta', 'tx_drops'].map(
    (k) => `snapshots[0].interfaces[0].${k}`,
  ),
  ...['mount_point', 'device', 'total_bytes', 'used_bytes', 'available_bytes', 'usage_pct'].map(
    (k) => `snapshots[0].disk_usage[0].${k}`,
  ),
  'snapshots[0].disk_io.read_bytes',
  'snapshots[0].disk_io.write_bytes',
  ...['protocol', 'local_addr', 'remote_addr', 'state'].map((k) => `snapshots[0].connections[0].${k}`),
  ...['process_name', 'rx_bytes', 'tx_bytes', 'rx_rate', 'tx_rate', 'connection_count'].map(
    (k) => `snapshots[0].processes[0].${k}`,
  ),
  ...['severity', 'category', 'message', 'detail', 'timestamp'].map((k) => `snapshots[0].alerts[0].${k}`),
  ...['total_queries', 'total_responses', 'nxdomain_count', 'latency_buckets', 'top_domains'].map(
    (k) => `snapshots[0].dns_analytics.${k}`,
  ),
  ...['collectors_ok', 'dropped_count', 'queue_depth'].map((k) => `agent_health.${k}`),
];
