// What the console reads from the API (docs/console-api.md and the README's REST routes). Times are epoch
// seconds. The console never imports apps/api, so these mirror the answers rather than share their types.

export type HeartbeatState = 'alive' | 'late' | 'dead' | 'cancelled';
export const HEARTBEAT_STATES: HeartbeatState[] = ['alive', 'late', 'dead', 'cancelled'];

export interface QueueSummary {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  oldestWaitingSeconds: number | null;
}

export interface EventsPreset {
  name: string;
  service?: string;
  message?: string;
}

export interface Overview {
  agents: { connected: number; enrolled: number };
  eventsPresets: EventsPreset[];
  now: number;
  queues: QueueSummary[];
  services: Record<HeartbeatState | 'total', number>;
  version: string;
}

export interface Heartbeat {
  service: string;
  state: HeartbeatState;
  alertType: string;
  alertTarget: string;
  deadAt: number | null;
  expected: number;
  last: number;
  nextIn: number;
  repeatEvery: number | null;
}

export interface HeartbeatsPage {
  heartbeats: Heartbeat[];
  now: number;
  total: number;
}

export interface HistoryEntry {
  action: 'pulse' | 'alert' | 'cancel';
  at: number;
  expected: number;
  nextIn: number;
}

export interface EventView {
  alert: boolean;
  date: number;
  level: number;
  message: string;
  service: string;
}

export interface EventsPage {
  events: EventView[];
  next?: string;
}

export interface HostSummary {
  id: string;
  hostname: string;
  agentId: string | null;
  embedded: boolean;
  agentVersion: string;
  lastSeenAt: number;
  lastSnapshotAt: number | null;
  cpuPct: number | null;
  memUsedPct: number | null;
  load1: number | null;
  diskUsedPct: number | null;
}

export interface HostInfo {
  host_id: string;
  hostname: string;
  os: string | null;
  kernel: string | null;
  uptime_secs: number | null;
  cpu_model: string | null;
  cpu_cores: number | null;
  memory_total_bytes: number | null;
}

export interface InterfaceMetric {
  name: string;
  is_up: boolean;
  rx_bytes: number;
  tx_bytes: number;
  rx_errors: number;
  tx_errors: number;
  rx_drops: number;
  tx_drops: number;
  rx_rate?: number;
  tx_rate?: number;
}

export interface DiskUsage {
  mount_point: string;
  device: string;
  total_bytes: number;
  used_bytes: number;
  available_bytes: number;
  usage_pct: number;
}

export interface ProcessBandwidth {
  process_name: string;
  pid: number | null;
  rx_rate: number;
  tx_rate: number;
  connection_count: number;
  cpu_pct?: number;
  user?: string;
  mem_rss_bytes?: number;
  cmd?: string;
}

export interface NetworkAlert {
  severity: string;
  category: string;
  message: string;
  detail: string;
  timestamp: string;
}

export interface HostDetail {
  host: HostSummary & { firstSeenAt: number; info: HostInfo | null; load5: number | null; load15: number | null };
  latest: {
    timestamp: number;
    interfaces: InterfaceMetric[];
    disks: DiskUsage[];
    processes: ProcessBandwidth[];
  } | null;
  alerts: NetworkAlert[];
}

export type Series = [number, number][];

export interface HostMetrics {
  from: number;
  to: number;
  step: number;
  cpu: Series;
  load1: Series;
  memUsedPct: Series;
  diskUsedPct: Series;
  interfaces: Record<string, { rx: Series; tx: Series }>;
}

export interface AgentConnection {
  agentVersion: string;
  hostId: string | null;
  lastSnapshotAt: number | null;
  process: string;
  protocol: 'ws' | 'wss';
  since: number;
}

export interface Agent {
  id: string;
  name: string;
  alertType: string | null;
  alertTarget: string | null;
  connected: boolean;
  connection: AgentConnection | null;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

export interface Enrolled {
  agent: { id: string; name: string };
  key: string;
}

export interface Ping {
  service: string;
  url: string;
  proxyURL: string | null;
  frequency: number;
  alerted: boolean;
  alertType: string;
  alertTarget: string;
  lastPing: number | null;
  lastPingSuccess: number;
}
