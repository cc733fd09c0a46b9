import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentEnvError, loadAgentConfig } from './env';
import { requireUplink } from './uplink';

const KEY = `wt_ak_${'Zz09'.repeat(8)}`;

describe(requireUplink.name, () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-agent-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const config = (env: Record<string, string>) => loadAgentConfig({ env, defaultConfigFile: join(dir, 'absent.json') });

  const keyFile = (name: string, content: string, mode: number): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    // chmod after writing: the umask applies to the mode given at creation
    chmodSync(path, mode);
    return path;
  };

  const lines = (env: Record<string, string>): string[] => {
    try {
      requireUplink(config(env));
    } catch (error) {
      if (error instanceof AgentEnvError) {
        return error.lines;
      }
      throw error;
    }
    throw new Error('expected an AgentEnvError');
  };

  it('derives both endpoints and takes the key from the environment', () => {
    expect(requireUplink(config({ WATCHTOWER_URL: 'https://x/base/', WATCHTOWER_AGENT_KEY: KEY }))).toEqual({
      gatewayUrl: 'wss://x/base/api/v1/agents/ws',
      ingestUrl: 'https://x/base/api/v1/ingest',
      key: KEY,
      warnings: [],
    });
  });

  it('warns when it assumed wss://', () => {
    const uplink = requireUplink(config({ WATCHTOWER_URL: 'example.org', WATCHTOWER_AGENT_KEY: KEY }));
    expect(uplink.warnings).toEqual([
      'server URL "example.org" names no scheme: using wss://example.org/api/v1/agents/ws',
    ]);
  });

  it('reads a key file at 0600, trimming its line break', () => {
    const path = keyFile('key-600', `${KEY}\n`, 0o600);
    expect(requireUplink(config({ WATCHTOWER_URL: 'wss://h', WATCHTOWER_AGENT_KEY_FILE: path })).key).toBe(KEY);
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o606, 0o700 | 0o010])(
    'refuses a key file at mode %o, naming the fix',
    (mode) => {
      const path = keyFile(`key-${mode.toString(8)}`, KEY, mode);
      const octal = mode.toString(8).padStart(4, '0');
      expect(lines({ WATCHTOWER_URL: 'wss://h', WATCHTOWER_AGENT_KEY_FILE: path })).toEqual([
        `key file ${path} is readable or writable by group or others (mode ${octal}): run chmod 600 ${path}`,
      ]);
    },
  );

  it('refuses a key file that does not hold a key, without echoing it', () => {
    const path = keyFile('key-bad', 'not-a-key\n', 0o600);
    expect(lines({ WATCHTOWER_URL: 'wss://h', WATCHTOWER_AGENT_KEY_FILE: path })).toEqual([
      `key file ${path} must hold an agent key: wt_ak_ followed by 32 letters or digits (got 9 characters)`,
    ]);
  });

  it('reports a missing server and a missing key file together', () => {
    const path = join(dir, 'no-key');
    expect(lines({ WATCHTOWER_AGENT_KEY_FILE: path })).toEqual([
      'WATCHTOWER_URL is not set: set it (or "server" in the config file) to the server\'s base URL, ' +
        'e.g. https://watchtower.example.org',
      `no agent key: set WATCHTOWER_AGENT_KEY, or write the key printed at enrollment to ${path} ` +
        `and run chmod 600 ${path} (key file ${path} does not exist)`,
    ]);
  });

  it('does not read the key file when the key is set', () => {
    const path = keyFile('key-ignored', KEY, 0o644);
    const env = { WATCHTOWER_URL: 'wss://h', WATCHTOWER_AGENT_KEY: KEY, WATCHTOWER_AGENT_KEY_FILE: path };
    expect(requireUplink(config(env)).key).toBe(KEY);
  });
});
