// The table of the agent's settings (collectors.md §1.4): one row per setting, keyed by its name in the JSON
// config file, with its environment variables (the first set one wins), its default and its kind. No I/O here;
// env.ts reads the sources and applies the table.
import { isIP } from 'node:net';
import type { AgentEnv } from './env';
import { serverProblem } from './server-url';

/** A value the kind accepts, or the end of a sentence that starts with the setting's name ("must be ..."). */
export type Parsed<T> = { value: T } | { problem: string };

export interface Kind<T> {
  /** From an environment variable: trimmed and non-empty. */
  env(text: string): Parsed<T>;
  /** From the JSON file: any JSON value. */
  file(value: unknown): Parsed<T>;
  /** A secret is never echoed back in a message. */
  secret?: boolean;
}

export interface Setting<T> {
  readonly env: readonly string[];
  readonly fallback: T;
  readonly kind: Kind<T>;
}

export const KEY_PATTERN = /^wt_ak_[0-9A-Za-z]{32}$/;
export const KEY_RULE = 'an agent key: wt_ak_ followed by 32 letters or digits';
export const DEFAULT_KEY_FILE = '/etc/watchtower-agent/key';

const ok = <T>(value: T): Parsed<T> => ({ value });
const problem = <T>(text: string): Parsed<T> => ({ problem: text });

const text: Kind<string> = {
  env: ok,
  file: (value) =>
    typeof value === 'string' && value.trim() !== '' ? ok(value.trim()) : problem('must be a non-empty string'),
};

/** A text value with one more rule on top; `what` names the value when the file's is not even a string. */
function checked(what: string, rule: (value: string) => string | null, secret = false): Kind<string> {
  const then = (parsed: Parsed<string>): Parsed<string> => {
    const wrong = 'value' in parsed ? rule(parsed.value) : `must be ${what}`;
    return wrong === null ? parsed : problem(wrong);
  };
  return { env: (v) => then(text.env(v)), file: (v) => then(text.file(v)), secret };
}

function int(min: number, max?: number): Kind<number> {
  const what = max === undefined ? `an integer >= ${min}` : `an integer between ${min} and ${max}`;
  const rule = (n: number): Parsed<number> =>
    Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max) ? ok(n) : problem(`must be ${what}`);
  return {
    env: (value) => (/^[+-]?\d+$/.test(value) ? rule(Number(value)) : problem(`must be ${what}`)),
    file: (value) => (typeof value === 'number' ? rule(value) : problem(`must be ${what}`)),
  };
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
const bool: Kind<boolean> = {
  env: (value) => {
    const lower = value.toLowerCase();
    return TRUE.includes(lower) ? ok(true) : FALSE.includes(lower) ? ok(false) : problem('must be true or false');
  },
  file: (value) => (typeof value === 'boolean' ? ok(value) : problem('must be true or false')),
};

function oneOf<T extends string>(allowed: readonly T[]): Kind<T> {
  const what = `must be one of ${allowed.join(', ')}`;
  const rule = (value: string): Parsed<T> =>
    (allowed as readonly string[]).includes(value) ? ok(value as T) : problem(what);
  return { env: rule, file: (value) => (typeof value === 'string' ? rule(value) : problem(what)) };
}

const ip = checked('an IP address', (value) => (isIP(value) !== 0 ? null : 'must be an IP address'));

/** Interface names: comma-separated in the environment, an array of strings in the file. */
const names: Kind<string[]> = {
  env: (value) =>
    ok(
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  file: (value) =>
    Array.isArray(value) && value.every((name) => typeof name === 'string' && name.trim() !== '')
      ? ok(value.map((name: string) => name.trim()))
      : problem('must be an array of interface names'),
};

const server = checked('a URL such as https://watchtower.example.org', serverProblem);
const key = checked(KEY_RULE, (value) => (KEY_PATTERN.test(value) ? null : `must be ${KEY_RULE}`), true);

/** Every setting, in the order problems are reported. `null` defaults are settings that may stay unset. */
export const SETTINGS: { readonly [K in keyof AgentEnv]: Setting<AgentEnv[K]> } = {
  server: { env: ['WATCHTOWER_URL', 'SERVER_URL'], fallback: null, kind: server },
  key: { env: ['WATCHTOWER_AGENT_KEY', 'API_KEY'], fallback: null, kind: key },
  keyFile: { env: ['WATCHTOWER_AGENT_KEY_FILE'], fallback: DEFAULT_KEY_FILE, kind: text },
  transport: { env: ['INGEST_TRANSPORT'], fallback: 'ws', kind: oneOf(['ws', 'http'] as const) },
  intervalSecs: { env: ['AGENT_INTERVAL_SECS', 'INTERVAL_SECS'], fallback: 15, kind: int(10, 3600) },
  healthIntervalSecs: { env: ['HEALTH_INTERVAL_SECS'], fallback: 30, kind: int(15, 3600) },
  queueMax: { env: ['AGENT_QUEUE_MAX'], fallback: 2000, kind: int(1, 100_000) },
  batchMax: { env: ['AGENT_BATCH_MAX'], fallback: 50, kind: int(1, 100) },
  interfaces: { env: ['INTERFACES'], fallback: [], kind: names },
  gateway: { env: ['AGENT_GATEWAY', 'GATEWAY'], fallback: null, kind: ip },
  dnsServer: { env: ['AGENT_DNS_SERVER', 'DNS_SERVER'], fallback: null, kind: ip },
  bandwidthAlertBytesPerSec: { env: ['BANDWIDTH_ALERT_BYTES_PER_SEC'], fallback: 100_000_000, kind: int(1) },
  packetCapture: { env: ['PACKET_CAPTURE'], fallback: false, kind: bool },
  captureInterface: { env: ['CAPTURE_INTERFACE'], fallback: 'auto', kind: text },
  hostname: { env: ['AGENT_HOSTNAME'], fallback: null, kind: text },
  os: { env: ['AGENT_OS'], fallback: null, kind: text },
  hostIdFile: { env: ['HOST_ID_FILE'], fallback: '/var/lib/watchtower-agent/host-id', kind: text },
  procRoot: { env: ['PROC_ROOT'], fallback: '/proc', kind: text },
  sysRoot: { env: ['SYS_ROOT'], fallback: '/sys', kind: text },
  etcRoot: { env: ['ETC_ROOT'], fallback: '/etc', kind: text },
  hostRoot: { env: ['HOST_ROOT'], fallback: '/', kind: text },
};

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** The file key an unknown one was probably meant to be: a near spelling, or the setting's variable name. */
export function suggestion(unknown: string): string | null {
  const lower = unknown.toLowerCase();
  for (const [name, setting] of Object.entries(SETTINGS) as [string, Setting<unknown>][]) {
    if (setting.env.some((variable) => variable.toLowerCase() === lower) || distance(lower, name.toLowerCase()) <= 2) {
      return name;
    }
  }
  return null;
}
