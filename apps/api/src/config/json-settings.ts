import { AlertType, ALERT_TYPES, isAlertType } from '../alerts/channels';
import { HintedError } from '../common/hinted-error';
import { compileSearchPattern } from '../events/search-pattern';
import { parsePulse } from '../heartbeat/heartbeat.dto';
import { EnvError } from './env';

// The two JSON-valued settings (EVENTS_PRESETS, PINGS), checked with the same rules as requests.

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

/** Turns a request-validation hint into a boot error naming the config entry. */
function rethrow(where: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    throw error instanceof HintedError ? new EnvError(`${where}: ${error.hint}`) : error;
  }
}

export function parsePreset(item: unknown, i: number): EventsPreset {
  const where = `EVENTS_PRESETS[${i}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new EnvError(`${where} must be an object {name, service?, message?}`);
  }
  const { name, service, message } = item as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') {
    throw new EnvError(`${where}.name must be a non-empty string`);
  }
  for (const [key, value] of Object.entries({ service, message })) {
    if (value !== undefined && typeof value !== 'string') {
      throw new EnvError(`${where}.${key} must be a string`);
    }
  }
  for (const field of ['service', 'message'] as const) {
    const pattern = field === 'service' ? service : message;
    if (typeof pattern === 'string' && pattern !== '') {
      rethrow(where, () => compileSearchPattern(pattern, field));
    }
  }
  const preset: EventsPreset = { name };
  if (typeof service === 'string') {
    preset.service = service;
  }
  if (typeof message === 'string') {
    preset.message = message;
  }
  return preset;
}

export function parsePing(item: unknown, i: number): PingConfig {
  const where = `PINGS[${i}]`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new EnvError(`${where} must be an object`);
  }
  const p = item as Record<string, unknown>;
  const text = (key: string, optional: boolean): string | null => {
    const value = p[key];
    if (value === undefined || value === null) {
      if (optional) {
        return null;
      }
      throw new EnvError(`${where}.${key} is required`);
    }
    if (typeof value !== 'string' || value === '') {
      throw new EnvError(`${where}.${key} must be a non-empty string`);
    }
    return value;
  };
  const number = (key: string, fallback: number, min: number): number => {
    const value = p[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new EnvError(`${where}.${key} must be an integer >= ${min}`);
    }
    return value;
  };
  const httpUrl = (key: string, optional: boolean): string | null => {
    const value = text(key, optional);
    if (value !== null && !/^https?:\/\/[^\s]+$/i.test(value)) {
      throw new EnvError(`${where}.${key} must be an http or https URL`);
    }
    return value;
  };
  const service = text('service', false) as string;
  const url = httpUrl('url', false) as string;
  const frequency = number('frequency', 30, 5);
  const alertType = text('alertType', false) as string;
  if (!isAlertType(alertType)) {
    throw new EnvError(`${where}.alertType must be one of ${ALERT_TYPES.join(', ')}`);
  }
  const alertTarget = text('alertTarget', false) as string;
  // The same target rules as a pulse (§5.2 steps 8-10), so a bad monitor stops the boot, not its alerts.
  rethrow(where, () => parsePulse({ service, nextIn: frequency, alertType, alertTarget }));
  const method = (text('method', true) ?? 'get').toLowerCase();
  if (method !== 'get' && method !== 'head') {
    throw new EnvError(`${where}.method must be get or head`);
  }
  const insecureTLS = p.insecureTLS ?? false;
  if (typeof insecureTLS !== 'boolean') {
    throw new EnvError(`${where}.insecureTLS must be true or false`);
  }
  return {
    service,
    url,
    frequency,
    alertType,
    alertTarget,
    proxyURL: httpUrl('proxyURL', true),
    method,
    expectedCode: number('expectedCode', 200, 100),
    timeout: number('timeout', frequency < 10 ? Math.max(1, Math.floor(frequency / 2)) : 10, 1),
    login: text('login', true),
    password: text('password', true),
    insecureTLS,
  };
}
