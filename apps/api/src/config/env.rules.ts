import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ProxyTrust, trustFunction } from '../common/client-address';
import { Env, EnvError } from './env';

export const MIN_PRODUCTION_PASSWORD = 16;

// The kinds of variable (integer, boolean, URL...) and their messages; env.table.ts says which kind each
// variable is. A rule gets the trimmed, non-empty value and the settings of the rows above it.

export type Rule<T> = (value: string, name: string, env: Env) => T;
/** The setting of an unset or blank variable, or how to get it from the rows above. */
export type Default<T> = T | ((env: Env, name: string) => T);
/** Checked on the setting whether it came from the variable or from the default. */
export type Check<T> = (setting: T, name: string, env: Env) => void;

export interface Variable<T> {
  readonly name: string;
  readonly default: Default<T>;
  readonly rule: Rule<T>;
  readonly check?: Check<T>;
}

/** One row of the table; a `null` default makes the setting nullable. */
export function variable<T>(name: string, fallback: null, rule: Rule<T>, check?: Check<T | null>): Variable<T | null>;
export function variable<T>(name: string, fallback: Default<T>, rule: Rule<T>, check?: Check<T>): Variable<T>;
export function variable<T>(name: string, fallback: Default<T>, rule: Rule<T>, check?: Check<T>): Variable<T> {
  return { name, default: fallback, rule, check };
}

/** Reads a variable, treating an empty value as unset. */
export function get(raw: Record<string, string | undefined>, name: string): string | undefined {
  const value = raw[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The setting of one row: the rule on a set value, else the default; then the row's check on either. */
export function settle<T>(raw: Record<string, string | undefined>, row: Variable<T>, env: Env): T {
  const value = get(raw, row.name);
  const fallback = row.default;
  let setting: T;
  if (value !== undefined) {
    setting = row.rule(value, row.name, env);
  } else {
    setting = typeof fallback === 'function' ? (fallback as (env: Env, name: string) => T)(env, row.name) : fallback;
  }
  row.check?.(setting, row.name, env);
  return setting;
}

export const text: Rule<string> = (value) => value;

export function int(min: number, max: number | ((env: Env) => number)): Rule<number> {
  return (value, name, env) => {
    const top = typeof max === 'function' ? max(env) : max;
    if (!/^[+-]?\d+$/.test(value) || Number(value) < min || Number(value) > top) {
      throw new EnvError(`${name} must be an integer between ${min} and ${top} (got "${value}")`);
    }
    return Number(value);
  };
}

export const bool: Rule<boolean> = (value, name) => {
  const lower = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(lower)) {
    return false;
  }
  throw new EnvError(`${name} must be true or false (got "${lower}")`);
};

export function oneOf<T extends string>(allowed: readonly T[]): Rule<T> {
  return (value, name) => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new EnvError(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    }
    return value as T;
  };
}

export function url(...schemes: string[]): Rule<string> {
  return (value, name) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      // the userinfo of a database or SMTP URL is a password: never echo it
      throw new EnvError(`${name} must be a URL (got "${value.replace(/\/\/.*@/s, '//***@')}")`);
    }
    if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new EnvError(`${name} must be a ${schemes.join(' or ')} URL (got "${parsed.protocol}")`);
    }
    return value;
  };
}

/** A JSON array whose items `parse` checks one by one (unset: no items). */
export function jsonArray<T>(parse: (item: unknown, i: number) => T): Rule<T[]> {
  return (value, name) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new EnvError(`${name} must be a JSON array (invalid JSON)`);
    }
    if (!Array.isArray(parsed)) {
      throw new EnvError(`${name} must be a JSON array`);
    }
    return parsed.map((item, i) => parse(item, i));
  };
}

export const timeZone: Rule<string> = (zone, name) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    throw new EnvError(`${name} must be an IANA time zone such as Europe/Paris (got "${zone}")`);
  }
  return zone;
};

export const pemFile: Rule<string> = (path, name) => {
  try {
    readFileSync(path);
  } catch {
    throw new EnvError(`${name} must name a readable PEM file (got "${path}")`);
  }
  return path;
};

/** A path, made absolute against the working directory. */
export const absolutePath: Rule<string> = (path) => resolve(path);

/** The default of a variable the app cannot run without: the quick start fills it in outside production. */
export function required(env: Env, name: string): never {
  throw new EnvError(
    env.nodeEnv === 'production'
      ? `${name} is required with NODE_ENV=production`
      : `${name} is not set (the quick start fills it in; see README)`,
  );
}

export function matches(pattern: RegExp, rule: string): Check<string> {
  return (setting, name) => {
    if (!pattern.test(setting)) {
      throw new EnvError(`${name} must be ${rule}`);
    }
  };
}

export const directoryIfExists: Check<string> = (path, name) => {
  if (existsSync(path) && !statSync(path).isDirectory()) {
    throw new EnvError(`${name} must be a directory (got "${path}")`);
  }
};

/**
 * TRUST_PROXY: `false` (the socket's address), a hop count, or the proxies' addresses and CIDRs. `true` would
 * trust every X-Forwarded-For hop, so it is refused with what to write instead.
 */
export const proxyTrust: Rule<ProxyTrust> = (value, name) => {
  const lower = value.toLowerCase();
  if (['false', '0', 'no', 'off'].includes(lower)) {
    return false;
  }
  if (['true', 'yes', 'on', '*', 'all'].includes(lower)) {
    throw new EnvError(
      `${name}=${value} would trust every X-Forwarded-For hop, so clients could choose their own address: ` +
        `list your proxies (${name}=10.0.0.1,192.168.0.0/16) or give the number of proxy hops (${name}=1)`,
    );
  }
  if (/^[0-9]+$/.test(value)) {
    return int(1, 100)(value, name, new Env());
  }
  const proxies = value.split(',').map((item) => item.trim());
  try {
    trustFunction(proxies);
  } catch (error) {
    throw new EnvError(
      `${name} must be a hop count or a comma-separated list of addresses and CIDRs: ${(error as Error).message}`,
    );
  }
  return proxies;
};

/** Production refuses guessable passwords, the shared one and the admin one (the row of ADMIN_PASSWORD). */
export const productionPasswords: Check<string> = (adminPassword, name, env) => {
  if (env.nodeEnv !== 'production') {
    return;
  }
  for (const [variableName, password] of [
    ['WATCHTOWER_PASSWORD', env.password],
    [name, adminPassword],
  ]) {
    if ([...password].length < MIN_PRODUCTION_PASSWORD) {
      throw new EnvError(
        `${variableName} must be at least ${MIN_PRODUCTION_PASSWORD} characters with NODE_ENV=production`,
      );
    }
  }
};
