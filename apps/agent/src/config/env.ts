/** The agent's settings (collectors.md §1.4). Only this file reads the environment. */
export class AgentEnv {
  serverUrl: string | null;
  apiKey: string | null;
  transport: 'ws' | 'http';
  intervalSecs: number;
  healthIntervalSecs: number;
  /** Empty = every interface. */
  interfaces: string[];
  /** Probe targets; null = detected from /proc/net/route and resolv.conf (§3.9). */
  gateway: string | null;
  dnsServer: string | null;
  bandwidthAlertBytesPerSec: number;
  packetCapture: boolean;
  captureInterface: string;
  hostname: string | null;
  os: string | null;
  hostIdFile: string;
  procRoot: string;
  sysRoot: string;
  etcRoot: string;
  hostRoot: string;
}

export class AgentEnvError extends Error {}

type Raw = Record<string, string | undefined>;

const value = (raw: Raw, ...names: string[]): string | undefined => {
  for (const name of names) {
    const v = raw[name]?.trim();
    if (v) {
      return v;
    }
  }
  return undefined;
};

function int(raw: Raw, name: string, fallback: number, min: number): number {
  const v = value(raw, name);
  if (v === undefined) {
    return fallback;
  }
  if (!/^\d+$/.test(v) || Number(v) < min) {
    throw new AgentEnvError(`${name} must be an integer >= ${min} (got "${v}")`);
  }
  return Number(v);
}

function ip(raw: Raw, names: string[]): string | null {
  const v = value(raw, ...names);
  if (v !== undefined && !/^[0-9a-fA-F:.]+$/.test(v)) {
    throw new AgentEnvError(`${names[0]} must be an IP address (got "${v}")`);
  }
  return v ?? null;
}

export function processEnv(): Raw {
  return process.env;
}

/** AGENT_GATEWAY / AGENT_DNS_SERVER are the names our tests and docs use; GATEWAY / DNS_SERVER are the spec's. */
export function validateAgentEnv(raw: Raw): AgentEnv {
  const env = new AgentEnv();
  env.serverUrl = value(raw, 'SERVER_URL') ?? null;
  env.apiKey = value(raw, 'API_KEY') ?? null;
  const transport = value(raw, 'INGEST_TRANSPORT') ?? 'ws';
  if (transport !== 'ws' && transport !== 'http') {
    throw new AgentEnvError(`INGEST_TRANSPORT must be ws or http (got "${transport}")`);
  }
  env.transport = transport;
  env.intervalSecs = int(raw, 'INTERVAL_SECS', 15, 10);
  env.healthIntervalSecs = int(raw, 'HEALTH_INTERVAL_SECS', 30, 15);
  env.interfaces = (value(raw, 'INTERFACES') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  env.gateway = ip(raw, ['AGENT_GATEWAY', 'GATEWAY']);
  env.dnsServer = ip(raw, ['AGENT_DNS_SERVER', 'DNS_SERVER']);
  env.bandwidthAlertBytesPerSec = int(raw, 'BANDWIDTH_ALERT_BYTES_PER_SEC', 100_000_000, 1);
  env.packetCapture = ['1', 'true', 'yes'].includes((value(raw, 'PACKET_CAPTURE') ?? 'false').toLowerCase());
  env.captureInterface = value(raw, 'CAPTURE_INTERFACE') ?? 'auto';
  env.hostname = value(raw, 'AGENT_HOSTNAME') ?? null;
  env.os = value(raw, 'AGENT_OS') ?? null;
  env.hostIdFile = value(raw, 'HOST_ID_FILE') ?? '/var/lib/watchtower-agent/host-id';
  env.procRoot = value(raw, 'PROC_ROOT') ?? '/proc';
  env.sysRoot = value(raw, 'SYS_ROOT') ?? '/sys';
  env.etcRoot = value(raw, 'ETC_ROOT') ?? '/etc';
  env.hostRoot = value(raw, 'HOST_ROOT') ?? '/';
  return env;
}
