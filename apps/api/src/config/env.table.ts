// The table of variables: one row per variable (name, default, rule), read in order so the first bad one is
// named. Both `validateEnv()` and the fields of `Env` come from it. It is not in env.ts because it reads the
// channel list (alerts/channels) and the JSON settings, whose channel classes import `Env` from env.ts at
// runtime: env.ts imports nothing, so it is complete whichever file the process loads first.
import { releaseVersion } from '@lib/release';
import { resolve } from 'node:path';
import { ALERT_TYPES } from '../alerts/channels';
import { Env, EnvError } from './env';
import {
  absolutePath,
  bool,
  Check,
  directoryIfExists,
  get,
  int,
  jsonArray,
  matches,
  oneOf,
  pemFile,
  productionPasswords,
  proxyTrust,
  required,
  Rule,
  settle,
  text,
  timeZone,
  url,
  variable,
  Variable,
} from './env.rules';
import { parsePing, parsePreset } from './json-settings';

type Raw = Record<string, string | undefined>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** `api` serves HTTP and WebSocket and enqueues; `worker` runs the processors, the sweeper and the schedulers. */
export const ROLES = ['all', 'api', 'worker'] as const;

// Read once, when the process loads its configuration.
const RELEASE_VERSION = releaseVersion();

const list: Rule<string[]> = (value) => value.split(',').map((item) => item.trim());
const publicUrl: Rule<string> = (value, name, env) => url('http', 'https')(value, name, env).replace(/\/+$/, '');
const localUrl = (env: Env): string => `http://localhost:${env.port}`;
const eventsMaxLimit = (env: Env): number => env.eventsMaxLimit;

const setWithCert: Check<string | null> = (tlsKey, _name, env) => {
  if ((env.tlsCert === null) !== (tlsKey === null)) {
    throw new EnvError('TLS_CERT and TLS_KEY must be set together');
  }
};

const offOrAtLeastAMinute: Check<number> = (seconds, name) => {
  if (seconds > 0 && seconds < 60) {
    throw new EnvError(`${name} must be 0 (off) or between 60 and 31536000`);
  }
};

/** Every variable, in the order they are checked; a row may read the settings of the rows above it. */
const ENV_TABLE = {
  nodeEnv: variable('NODE_ENV', 'development', text),
  /** The quick start's files (password, embedded PostgreSQL, private Redis). */
  dataDir: variable('DATA_DIR', (): string => resolve('./data'), absolutePath, directoryIfExists),
  role: variable('ROLE', 'all', oneOf(ROLES)),
  port: variable('PORT', 5000, int(0, 65535)),
  host: variable('HOST', '0.0.0.0', text),
  tlsCert: variable('TLS_CERT', null, pemFile),
  tlsKey: variable('TLS_KEY', null, pemFile, setWithCert),
  password: variable('WATCHTOWER_PASSWORD', required, text),
  databaseUrl: variable('DATABASE_URL', required, url('postgres', 'postgresql')),
  redisUrl: variable('REDIS_URL', required, url('redis', 'rediss')),
  /** The admin surfaces: Bull Board (it can obliterate queues and add jobs), agents and hosts; checked after the stores. */
  adminPassword: variable('ADMIN_PASSWORD', (env: Env): string => env.password, text, productionPasswords),
  /** Prefix of every Redis key and BullMQ queue, so several installations (or test files) share one Redis. */
  redisPrefix: variable(
    'REDIS_PREFIX',
    'wt',
    text,
    matches(/^[A-Za-z0-9_-]{1,40}$/, '1 to 40 letters, digits, "_" or "-" (BullMQ rejects ":")'),
  ),
  tzDisplay: variable('TZ_DISPLAY', 'Europe/Paris', timeZone),
  logLevel: variable('LOG_LEVEL', 'info', oneOf(LOG_LEVELS)),
  /** GUI_VERSION overrides the release version for console reloads. */
  guiVersion: variable('GUI_VERSION', RELEASE_VERSION, text),
  corsOrigins: variable('CORS_ORIGINS', ['*'], list),
  trustProxy: variable('TRUST_PROXY', false, proxyTrust),
  bodyLimitBytes: variable('BODY_LIMIT_BYTES', 1048576, int(1024, 64 * 1048576)),
  authFailuresPerMinute: variable('AUTH_FAILURES_PER_MINUTE', 20, int(0, 1_000_000)),
  alertsEnabled: variable('ALERTS_ENABLED', true, bool),
  defaultAlertType: variable('HEARTBEAT_DEFAULT_ALERT_TYPE', 'log', oneOf(ALERT_TYPES)),
  defaultAlertTarget: variable('HEARTBEAT_DEFAULT_ALERT_TARGET', '', text),
  alertAttempts: variable('ALERT_ATTEMPTS', 8, int(8, 100)),
  /** First retry delay of an alert delivery; doubles each attempt (§8.4: 30 s). */
  alertBackoffMs: variable('ALERT_BACKOFF_MS', 30_000, int(10, 3_600_000)),
  pushoverToken: variable('PUSHOVER_TOKEN', null, text),
  pushoverApiUrl: variable('PUSHOVER_API_URL', 'https://api.pushover.net/1/messages.json', url('http', 'https')),
  smtpUrl: variable('SMTP_URL', null, url('smtp', 'smtps')),
  mailFrom: variable('MAIL_FROM', 'watchtower@localhost', text),
  webhookSecret: variable('WEBHOOK_SECRET', null, text),
  /** Deliver webhook and Slack alerts to loopback and private addresses too (intranet setups; tests). */
  alertAllowPrivateTargets: variable('ALERT_ALLOW_PRIVATE_TARGETS', false, bool),
  /** How long a delivery waits for its recent events and host figures before sending without them. */
  alertContextTimeoutMs: variable('ALERT_CONTEXT_TIMEOUT_MS', 2000, int(100, 60_000)),
  /** Most addresses one mail target may name, so the server is no mailing-list relay. */
  alertMaxRecipients: variable('ALERT_MAX_RECIPIENTS', 10, int(1, 1000)),
  /** When set, every mail recipient must be in one of these domains (comma-separated). */
  alertAllowedDomains: variable('ALERT_ALLOWED_DOMAINS', [], list),
  /** Mail and Pushover alerts per target, and per service, in 10 minutes; 0 turns the limit off. */
  alertRatePerTarget: variable('ALERT_RATE_PER_TARGET', 30, int(0, 1_000_000)),
  alertRatePerService: variable('ALERT_RATE_PER_SERVICE', 30, int(0, 1_000_000)),
  /** Where people reach this server (links in alerts). */
  publicUrl: variable('PUBLIC_URL', localUrl, publicUrl),
  heartbeatHistory: variable('HEARTBEAT_HISTORY', false, bool),
  heartbeatRepeatEvery: variable('HEARTBEAT_REPEAT_EVERY', 0, int(0, 31536000), offOrAtLeastAMinute),
  /** Jobs waiting in the persistence queue (each up to 1,000 rows) past which writes answer 503 + Retry-After. */
  persistenceBacklogLimit: variable('PERSISTENCE_BACKLOG_LIMIT', 100_000, int(1, 100_000_000)),
  heartbeatMaxServices: variable('HEARTBEAT_MAX_SERVICES', 1_000_000, int(1, 100_000_000)),
  heartbeatPurgeCancelledAfterDays: variable('HEARTBEAT_PURGE_CANCELLED_AFTER_DAYS', 0, int(0, 36500)),
  heartbeatStartupGraceSeconds: variable('HEARTBEAT_STARTUP_GRACE_SECONDS', 60, int(0, 86400)),
  /** Unpaged heartbeat listings of at least HEARTBEAT_LIST_LARGE_FROM records under way at once, per process. */
  heartbeatListMaxConcurrent: variable('HEARTBEAT_LIST_MAX_CONCURRENT', 2, int(1, 1000)),
  heartbeatListLargeFrom: variable('HEARTBEAT_LIST_LARGE_FROM', 5000, int(1, 100_000_000)),
  eventsMaxLimit: variable('EVENTS_MAX_LIMIT', 10000, int(1, 100000)),
  eventsDefaultLimit: variable('EVENTS_DEFAULT_LIMIT', 1000, int(1, eventsMaxLimit)),
  /** Widest from..to window a service or message (regex) filter may scan; 0 = any. The quick start sets a week. */
  searchMaxWindowSeconds: variable('SEARCH_MAX_WINDOW_SECONDS', 0, int(0, 3153600000)),
  /** Service and message bytes one events page may hold before it ends early with `next`. */
  eventsPageMaxBytes: variable('EVENTS_PAGE_MAX_BYTES', 8 * 1024 * 1024, int(65536, 268435456)),
  eventsRetentionDays: variable('EVENTS_RETENTION_DAYS', 0, int(0, 36500)),
  eventsPresets: variable('EVENTS_PRESETS', [], jsonArray(parsePreset)),
  /** How long a console login lasts. */
  consoleSessionHours: variable('CONSOLE_SESSION_HOURS', 12, int(1, 720)),
  /** A bearer token /metrics requires; empty: /metrics is open (it holds counts, never a service name). */
  metricsToken: variable('METRICS_TOKEN', null, text),
  pings: variable('PINGS', [], jsonArray(parsePing)),
  /** Refuse plain `ws://` agent connections with 426 (agent-protocol.md §2). */
  agentsRequireTls: variable('AGENTS_REQUIRE_TLS', false, bool),
  /** The snapshot interval `welcome` gives an agent without its own setting; presence allows 3 intervals of silence. */
  agentsIntervalSecs: variable('AGENTS_INTERVAL_SECS', 15, int(10, 3600)),
  /** HTTP ingest requests per key and minute (wire-format.md §4.2 step 3). */
  ingestRateLimit: variable('INGEST_RATE_LIMIT', 10, int(1, 100_000)),
  /** Snapshots are kept this many days; older daily partitions are dropped whole. */
  snapshotRetentionDays: variable('SNAPSHOT_RETENTION_DAYS', 30, int(1, 36500)),
  /** Collect this server's own host in-process (agent-protocol.md §7); the quick start turns it on. */
  agentEmbedded: variable('AGENT_EMBEDDED', false, bool),
  /** Probe targets of the embedded collector, overriding the detected gateway and resolver (tests: 127.0.0.1). */
  agentGateway: variable('AGENT_GATEWAY', null, text),
  agentDnsServer: variable('AGENT_DNS_SERVER', null, text),
  /** `/health/ready`: each store check gives up after this long; past a queue limit the queue is failing. */
  healthCheckTimeoutMs: variable('HEALTH_CHECK_TIMEOUT_MS', 1000, int(50, 60_000)),
  healthQueueMaxWaiting: variable('HEALTH_QUEUE_MAX_WAITING', 100_000, int(1, 100_000_000)),
  healthQueueMaxWaitSeconds: variable('HEALTH_QUEUE_MAX_WAIT_SECONDS', 300, int(1, 86_400)),
  /** Connections of the pool that serves event searches, apart from the writer's pool (10). */
  searchPoolSize: variable('SEARCH_POOL_SIZE', 2, int(1, 20)),
};

export type EnvValues = { [K in keyof typeof ENV_TABLE]: (typeof ENV_TABLE)[K] extends Variable<infer T> ? T : never };

// The fields of the injectable `Env` are the table's settings.
declare module './env' {
  interface Env extends EnvValues {}
}

/** Validates the raw environment once at boot; the error names the first bad variable. */
export function validateEnv(raw: Raw): Env {
  const env = new Env();
  for (const [key, row] of Object.entries(ENV_TABLE) as [keyof EnvValues, Variable<unknown>][]) {
    (env as Record<keyof EnvValues, unknown>)[key] = settle(raw, row, env);
  }
  return env;
}

/** What the quick start fills in when unset (outside production). */
export const QUICK_START_VARIABLES = [
  'WATCHTOWER_PASSWORD',
  'REDIS_URL',
  'DATABASE_URL',
  'AGENT_EMBEDDED',
  'SEARCH_MAX_WINDOW_SECONDS',
] as const;
export type QuickStartVariable = (typeof QUICK_START_VARIABLES)[number];

/** The settings the quick start needs, validated by the same rows before anything else starts. */
export interface BootEnv extends Pick<EnvValues, 'nodeEnv' | 'dataDir'> {
  unset: QuickStartVariable[];
}

export function validateBootEnv(raw: Raw): BootEnv {
  const env = new Env();
  env.nodeEnv = settle(raw, ENV_TABLE.nodeEnv, env);
  env.dataDir = settle(raw, ENV_TABLE.dataDir, env);
  const unset = QUICK_START_VARIABLES.filter((name) => get(raw, name) === undefined);
  return { nodeEnv: env.nodeEnv, dataDir: env.dataDir, unset };
}

/** Nest logger levels for LOG_LEVEL. */
export function logLevels(level: Env['logLevel']): ('debug' | 'log' | 'warn' | 'error')[] {
  const all = ['error', 'warn', 'log', 'debug'] as const;
  const upTo = { error: 1, warn: 2, info: 3, debug: 4 }[level];
  return all.slice(0, upTo);
}
