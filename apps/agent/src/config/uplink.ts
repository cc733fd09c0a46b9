import { AgentEnv, AgentEnvError } from './env';
import { exposedKey, readText } from './files';
import { KEY_PATTERN, KEY_RULE } from './settings';
import { gatewayUrl, ingestUrl, schemeAssumed } from './server-url';

/** What `run` and `check` need to reach the server. */
export interface Uplink {
  gatewayUrl: string;
  ingestUrl: string;
  key: string;
  /** Worth a log line, not a refusal. */
  warnings: string[];
}

/**
 * The server and the key, required only by the commands that connect (`once --json` runs without them). The
 * key file is read here, not at load, and refused when group or others may read or write it.
 */
export function requireUplink(config: AgentEnv): Uplink {
  const lines: string[] = [];
  const { server } = config;
  if (server === null) {
    lines.push(
      'WATCHTOWER_URL is not set: set it (or "server" in the config file) to the server\'s base URL, ' +
        'e.g. https://watchtower.example.org',
    );
  }
  const key = config.key ?? keyFromFile(config.keyFile, lines);
  if (server === null || key === null) {
    throw new AgentEnvError(lines);
  }
  const warnings = schemeAssumed(server) ? [`server URL "${server}" names no scheme: using ${gatewayUrl(server)}`] : [];
  return { gatewayUrl: gatewayUrl(server), ingestUrl: ingestUrl(server), key, warnings };
}

function keyFromFile(path: string, lines: string[]): string | null {
  const read = readText(path);
  if ('reason' in read) {
    lines.push(
      read.missing
        ? `no agent key: set WATCHTOWER_AGENT_KEY, or write the key printed at enrollment to ${path} ` +
            `and run chmod 600 ${path} (key file ${path} does not exist)`
        : `key file ${path} ${read.reason}`,
    );
    return null;
  }
  const exposed = exposedKey('key file', path, read.mode);
  if (exposed !== null) {
    lines.push(exposed);
    return null;
  }
  const key = read.text.trim();
  if (!KEY_PATTERN.test(key)) {
    lines.push(`key file ${path} must hold ${KEY_RULE} (got ${key.length} characters)`);
    return null;
  }
  return key;
}
