import type { SamplerOptions } from '@lib/collectors';
import { exposedKey, readText } from './files';
import { Parsed, Setting, SETTINGS, suggestion } from './settings';

/**
 * The agent's settings (collectors.md §1.4): the JSON config file, overridden by environment variables. One
 * field per row of the table in settings.ts. Only config/ reads the environment and the agent's files.
 */
/** The collection settings (interfaces, probe targets, paths, ...) are the collectors' own `SamplerOptions`. */
export interface AgentEnv extends SamplerOptions {}

export class AgentEnv {
  /** The server's base URL; required by `run` and `check` only (requireUplink). */
  server: string | null;
  key: string | null;
  /** Read by requireUplink when `key` is not set. */
  keyFile: string;
  transport: 'ws' | 'http';
  intervalSecs: number;
  /** Snapshots kept while the server is unreachable, oldest dropped first (agent-protocol.md §4). */
  queueMax: number;
  /** Snapshots per `ingest` message. */
  batchMax: number;
}

/** Every bad value at once, one line each; main.ts prints them and exits 1. */
export class AgentEnvError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export const DEFAULT_CONFIG_FILE = '/etc/watchtower-agent/config.json';

type Raw = Record<string, string | undefined>;

export interface ConfigSources {
  env: Raw;
  /** Given with `--config`: it must exist. */
  configFile?: string;
  /** Read when there is no `--config`; it may be missing. */
  defaultConfigFile?: string;
}

interface ConfigFile {
  path: string;
  values: Record<string, unknown>;
}

export function processEnv(): Raw {
  return process.env;
}

export function loadAgentConfig({ env, configFile, defaultConfigFile = DEFAULT_CONFIG_FILE }: ConfigSources): AgentEnv {
  const lines: string[] = [];
  const file = readConfigFile(configFile ?? defaultConfigFile, configFile !== undefined, lines);
  const config = new AgentEnv();
  for (const name of Object.keys(SETTINGS) as (keyof AgentEnv)[]) {
    settle(config, name, env, file, lines);
  }
  if (lines.length > 0) {
    throw new AgentEnvError(lines);
  }
  return config;
}

function readConfigFile(path: string, required: boolean, lines: string[]): ConfigFile | null {
  const read = readText(path);
  if ('reason' in read) {
    if (required || !read.missing) {
      lines.push(`config file ${path} ${read.reason}`);
    }
    return null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch (error) {
    lines.push(`config file ${path} is not valid JSON (${(error as Error).message})`);
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    lines.push(`config file ${path} must hold one JSON object of settings`);
    return null;
  }
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (Object.hasOwn(SETTINGS, name)) {
      values[name] = value;
    } else {
      // a typo must not silently leave the default in place
      const meant = suggestion(name);
      lines.push(`unknown setting "${name}" in ${path}${meant === null ? '' : ` (did you mean "${meant}"?)`}`);
    }
  }
  const exposed = 'key' in values ? exposedKey('config file', path, read.mode) : null;
  if (exposed !== null) {
    lines.push(`${exposed} (it holds the agent key)`);
  }
  return { path, values };
}

/** The environment's value if a variable is set, else the file's, else the default; a bad value adds a line. */
function settle<K extends keyof AgentEnv>(
  config: AgentEnv,
  name: K,
  env: Raw,
  file: ConfigFile | null,
  lines: string[],
): void {
  const setting: Setting<AgentEnv[K]> = SETTINGS[name];
  const variable = setting.env.find((candidate) => env[candidate]?.trim());
  let parsed: Parsed<AgentEnv[K]>;
  let where: string;
  let got: unknown;
  if (variable !== undefined) {
    got = (env[variable] ?? '').trim();
    [parsed, where] = [setting.kind.env(got as string), variable];
  } else if (file !== null && Object.hasOwn(file.values, name)) {
    got = file.values[name];
    [parsed, where] = [setting.kind.file(got), `"${name}" in ${file.path}`];
  } else {
    config[name] = setting.fallback;
    return;
  }
  if ('value' in parsed) {
    config[name] = parsed.value;
    return;
  }
  lines.push(`${where} ${parsed.problem} (got ${shown(got, setting.kind.secret === true)})`);
}

/** The bad value as JSON, shortened; a secret only by its length, so a near-miss key stays out of the logs. */
function shown(value: unknown, secret: boolean): string {
  if (secret) {
    return typeof value === 'string' ? `${value.trim().length} characters` : `a ${typeof value}`;
  }
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
