import { readFileSync } from 'node:fs';
import { parsePing, parsePreset } from './json-settings';

/** Names of the alert channels, in the order hints list them (watchtower-protocol.md §5.2 step 9). */
export const ALERT_TYPES = ['log', 'mail', 'pushover', 'slack', 'webhook'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export interface EventsPreset {
  name: string;
  service?: string;
  message?: string;
}

export interface PingConfig {
  service: string;
  url: string;
  frequency: number;
  alertType: AlertType;
  alertTarget: string;
  proxyURL: string | null;
  method: 'get' | 'head';
  expectedCode: number;
  timeout: number;
  login: string | null;
  password: string | null;
  insecureTLS: boolean;
}

/** Typed, validated configuration. Only this file reads the environment (STYLE rule 10). */
export class Env {
  nodeEnv: string;
  port: number;
  host: string;
  tlsCert: string | null;
  tlsKey: string | null;
  password: string;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key and BullMQ queue, so several installations (or test files) share one Redis. */
  redisPrefix: string;
  tzDisplay: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  guiVersion: string;
  corsOrigins: string[];
  trustProxy: boolean;
  bodyLimitBytes: number;
  authFailuresPerMinute: number;
  alertsEnabled: boolean;
  defaultAlertType: AlertType;
  defaultAlertTarget: string;
  alertAttempts: number;
  /** First retry delay of an alert delivery; doubles each attempt (§8.4: 30 s). */
  alertBackoffMs: number;
  pushoverToken: string | null;
  pushoverApiUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  webhookSecret: string | null;
  /** Where people reach this server (links in alerts); defaults to http://localhost:<PORT>. */
  publicUrl: string;
  heartbeatHistory: boolean;
  heartbeatRepeatEvery: number;
  heartbeatMaxServices: number;
  heartbeatPurgeCancelledAfterDays: number;
  heartbeatStartupGraceSeconds: number;
  eventsDefaultLimit: number;
  eventsMaxLimit: number;
  eventsRetentionDays: number;
  eventsPresets: EventsPreset[];
  pings: PingConfig[];
}

export class EnvError extends Error {}

/** Nest logger levels for LOG_LEVEL. */
export function logLevels(level: Env['logLevel']): ('debug' | 'log' | 'warn' | 'error')[] {
  const all = ['error', 'warn', 'log', 'debug'] as const;
  const upTo = { error: 1, warn: 2, info: 3, debug: 4 }[level];
  return all.slice(0, upTo);
}

type Raw = Record<string, string | undefined>;

/** Reads a variable, treating an empty value as unset. */
function get(raw: Raw, name: string): string | undefined {
  const value = raw[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function int(raw: Raw, name: string, fallback: number, min: number, max: number): number {
  const value = get(raw, name);
  if (value === undefined) {
    return fallback;
  }
  if (!/^[+-]?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new EnvError(`${name} must be an integer between ${min} and ${max} (got "${value}")`);
  }
  return Number(value);
}

function bool(raw: Raw, name: string, fallback: boolean): boolean {
  const value = get(raw, name)?.toLowerCase();
  if (value === undefined) {
    return fallback;
  }
  if (['true', '1', 'yes', 'on'].includes(value)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(value)) {
    return false;
  }
  throw new EnvError(`${name} must be true or false (got "${value}")`);
}

function oneOf<T extends string>(raw: Raw, name: string, allowed: readonly T[], fallback: T): T {
  const value = get(raw, name);
  if (value === undefined) {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new EnvError(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function url(raw: Raw, name: string, schemes: string[]): string | undefined {
  const value = get(raw, name);
  if (value === undefined) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new EnvError(`${name} must be a URL (got "${value}")`);
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new EnvError(`${name} must be a ${schemes.join(' or ')} URL (got "${parsed.protocol}")`);
  }
  return value;
}

function json(raw: Raw, name: string): unknown[] {
  const value = get(raw, name);
  if (value === undefined) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new EnvError(`${name} must be a JSON array (invalid JSON)`);
  }
  if (!Array.isArray(parsed)) {
    throw new EnvError(`${name} must be a JSON array`);
  }
  return parsed;
}

function timeZone(raw: Raw, name: string): string {
  const zone = get(raw, name) ?? 'Europe/Paris';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    throw new EnvError(`${name} must be an IANA time zone such as Europe/Paris (got "${zone}")`);
  }
  return zone;
}

function required(raw: Raw, name: string, production: boolean): string {
  const value = get(raw, name);
  if (value === undefined) {
    throw new EnvError(
      production
        ? `${name} is required with NODE_ENV=production`
        : `${name} is not set (the quick start fills it in; see README)`,
    );
  }
  return value;
}

function file(raw: Raw, name: string): string | null {
  const path = get(raw, name);
  if (path === undefined) {
    return null;
  }
  try {
    readFileSync(path);
  } catch {
    throw new EnvError(`${name} must name a readable PEM file (got "${path}")`);
  }
  return path;
}

function releaseVersion(): string {
  // The root package.json is the release version; GUI_VERSION overrides it for console reloads.
  return '1.4.0';
}

/** The process environment: main.ts and the TypeORM CLI take it from here, and only from here. */
export function processEnv(): Raw {
  return process.env;
}

/** Validates the raw environment once at boot; the error names the first bad variable. */
export function validateEnv(raw: Raw): Env {
  const env = new Env();
  env.nodeEnv = get(raw, 'NODE_ENV') ?? 'development';
  const production = env.nodeEnv === 'production';
  env.port = int(raw, 'PORT', 5000, 0, 65535);
  env.host = get(raw, 'HOST') ?? '0.0.0.0';
  env.tlsCert = file(raw, 'TLS_CERT');
  env.tlsKey = file(raw, 'TLS_KEY');
  if ((env.tlsCert === null) !== (env.tlsKey === null)) {
    throw new EnvError('TLS_CERT and TLS_KEY must be set together');
  }
  env.password = required(raw, 'WATCHTOWER_PASSWORD', production);
  env.databaseUrl = url(raw, 'DATABASE_URL', ['postgres', 'postgresql']) ?? required(raw, 'DATABASE_URL', production);
  env.redisUrl = url(raw, 'REDIS_URL', ['redis', 'rediss']) ?? required(raw, 'REDIS_URL', production);
  env.redisPrefix = get(raw, 'REDIS_PREFIX') ?? 'wt';
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(env.redisPrefix)) {
    throw new EnvError('REDIS_PREFIX must be 1 to 40 letters, digits, "_" or "-" (BullMQ rejects ":")');
  }
  env.tzDisplay = timeZone(raw, 'TZ_DISPLAY');
  env.logLevel = oneOf(raw, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info');
  env.guiVersion = get(raw, 'GUI_VERSION') ?? releaseVersion();
  env.corsOrigins = (get(raw, 'CORS_ORIGINS') ?? '*').split(',').map((origin) => origin.trim());
  env.trustProxy = bool(raw, 'TRUST_PROXY', false);
  env.bodyLimitBytes = int(raw, 'BODY_LIMIT_BYTES', 1048576, 1024, 64 * 1048576);
  env.authFailuresPerMinute = int(raw, 'AUTH_FAILURES_PER_MINUTE', 20, 0, 1_000_000);
  env.alertsEnabled = bool(raw, 'ALERTS_ENABLED', true);
  env.defaultAlertType = oneOf(raw, 'HEARTBEAT_DEFAULT_ALERT_TYPE', ALERT_TYPES, 'log');
  env.defaultAlertTarget = get(raw, 'HEARTBEAT_DEFAULT_ALERT_TARGET') ?? '';
  env.alertAttempts = int(raw, 'ALERT_ATTEMPTS', 8, 8, 100);
  env.alertBackoffMs = int(raw, 'ALERT_BACKOFF_MS', 30_000, 10, 3_600_000);
  env.pushoverToken = get(raw, 'PUSHOVER_TOKEN') ?? null;
  env.pushoverApiUrl = url(raw, 'PUSHOVER_API_URL', ['http', 'https']) ?? 'https://api.pushover.net/1/messages.json';
  env.smtpUrl = url(raw, 'SMTP_URL', ['smtp', 'smtps']) ?? null;
  env.mailFrom = get(raw, 'MAIL_FROM') ?? 'watchtower@localhost';
  env.webhookSecret = get(raw, 'WEBHOOK_SECRET') ?? null;
  env.publicUrl = (url(raw, 'PUBLIC_URL', ['http', 'https']) ?? `http://localhost:${env.port}`).replace(/\/+$/, '');
  env.heartbeatHistory = bool(raw, 'HEARTBEAT_HISTORY', false);
  env.heartbeatRepeatEvery = int(raw, 'HEARTBEAT_REPEAT_EVERY', 0, 0, 31536000);
  if (env.heartbeatRepeatEvery > 0 && env.heartbeatRepeatEvery < 60) {
    throw new EnvError('HEARTBEAT_REPEAT_EVERY must be 0 (off) or between 60 and 31536000');
  }
  env.heartbeatMaxServices = int(raw, 'HEARTBEAT_MAX_SERVICES', 1_000_000, 1, 100_000_000);
  env.heartbeatPurgeCancelledAfterDays = int(raw, 'HEARTBEAT_PURGE_CANCELLED_AFTER_DAYS', 0, 0, 36500);
  env.heartbeatStartupGraceSeconds = int(raw, 'HEARTBEAT_STARTUP_GRACE_SECONDS', 60, 0, 86400);
  env.eventsMaxLimit = int(raw, 'EVENTS_MAX_LIMIT', 10000, 1, 100000);
  env.eventsDefaultLimit = int(raw, 'EVENTS_DEFAULT_LIMIT', 1000, 1, env.eventsMaxLimit);
  env.eventsRetentionDays = int(raw, 'EVENTS_RETENTION_DAYS', 0, 0, 36500);
  env.eventsPresets = json(raw, 'EVENTS_PRESETS').map((item, i) => parsePreset(item, i));
  env.pings = json(raw, 'PINGS').map((item, i) => parsePing(item, i));
  return env;
}
