import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentEnvError, ConfigSources, loadAgentConfig } from './env';

const KEY = `wt_ak_${'a1B2'.repeat(8)}`;

describe(loadAgentConfig.name, () => {
  let dir: string;
  let missing: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-agent-config-'));
    missing = join(dir, 'absent.json');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // never the machine's real /etc/watchtower-agent/config.json
  const load = (sources: Partial<ConfigSources> = {}) =>
    loadAgentConfig({ env: {}, defaultConfigFile: missing, ...sources });

  const file = (name: string, content: unknown, mode = 0o600): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    chmodSync(path, mode);
    return path;
  };

  /** The lines of the AgentEnvError that `run` throws. */
  const lines = (run: () => unknown): string[] => {
    try {
      run();
    } catch (error) {
      if (error instanceof AgentEnvError) {
        return error.lines;
      }
      throw error;
    }
    throw new Error('expected an AgentEnvError');
  };

  it('applies the defaults without a file or variables (a missing default file is fine)', () => {
    expect(load()).toMatchObject({
      server: null,
      key: null,
      keyFile: '/etc/watchtower-agent/key',
      transport: 'ws',
      intervalSecs: 15,
      healthIntervalSecs: 30,
      queueMax: 2000,
      batchMax: 50,
      interfaces: [],
      gateway: null,
      dnsServer: null,
      bandwidthAlertBytesPerSec: 100_000_000,
      packetCapture: false,
      captureInterface: 'auto',
      hostIdFile: '/var/lib/watchtower-agent/host-id',
      procRoot: '/proc',
      hostRoot: '/',
    });
  });

  it('reads the camelCase names of the file', () => {
    const path = file('full.json', {
      server: 'https://wt.example.org',
      intervalSecs: 30,
      queueMax: 500,
      batchMax: 10,
      interfaces: ['eth0', 'wlan0'],
      packetCapture: true,
      gateway: '10.0.0.1',
      hostIdFile: '/tmp/host-id',
    });
    expect(load({ configFile: path })).toMatchObject({
      server: 'https://wt.example.org',
      intervalSecs: 30,
      queueMax: 500,
      batchMax: 10,
      interfaces: ['eth0', 'wlan0'],
      packetCapture: true,
      gateway: '10.0.0.1',
      hostIdFile: '/tmp/host-id',
    });
  });

  it('reads the default file when there is no --config', () => {
    const path = file('default.json', { intervalSecs: 42 });
    expect(load({ defaultConfigFile: path }).intervalSecs).toBe(42);
  });

  it('lets the environment win over the file, and a blank variable leave the file in charge', () => {
    const path = file('both.json', { intervalSecs: 30, queueMax: 500, server: 'https://file.example.org' });
    const config = load({
      configFile: path,
      env: { AGENT_INTERVAL_SECS: '12', WATCHTOWER_URL: 'env.example.org', AGENT_QUEUE_MAX: '  ' },
    });
    expect(config).toMatchObject({ intervalSecs: 12, server: 'env.example.org', queueMax: 500 });
  });

  it('reads every variable of the table, the spec names included', () => {
    const config = load({
      env: {
        SERVER_URL: 'http://h:1',
        API_KEY: KEY,
        WATCHTOWER_AGENT_KEY_FILE: '/run/key',
        INGEST_TRANSPORT: 'http',
        INTERVAL_SECS: '20',
        AGENT_BATCH_MAX: '100',
        INTERFACES: 'eth0, eth1,',
        GATEWAY: '192.168.1.1',
        DNS_SERVER: '::1',
        PACKET_CAPTURE: 'yes',
        AGENT_HOSTNAME: 'box',
      },
    });
    expect(config).toMatchObject({
      server: 'http://h:1',
      key: KEY,
      keyFile: '/run/key',
      transport: 'http',
      intervalSecs: 20,
      batchMax: 100,
      interfaces: ['eth0', 'eth1'],
      gateway: '192.168.1.1',
      dnsServer: '::1',
      packetCapture: true,
      hostname: 'box',
    });
  });

  it('refuses an unknown key in the file, suggesting the setting it was probably meant to be', () => {
    const path = file('typo.json', { intervalSec: 30, AGENT_QUEUE_MAX: 10, colour: 'blue' });
    expect(lines(() => load({ configFile: path }))).toEqual([
      `unknown setting "intervalSec" in ${path} (did you mean "intervalSecs"?)`,
      `unknown setting "AGENT_QUEUE_MAX" in ${path} (did you mean "queueMax"?)`,
      `unknown setting "colour" in ${path}`,
    ]);
  });

  it.each<[string, unknown, string]>([
    ['intervalSecs', '15', 'must be an integer between 10 and 3600 (got "15")'],
    ['intervalSecs', 1.5, 'must be an integer between 10 and 3600 (got 1.5)'],
    ['packetCapture', 'true', 'must be true or false (got "true")'],
    ['interfaces', 'eth0', 'must be an array of interface names (got "eth0")'],
    ['gateway', null, 'must be an IP address (got null)'],
    ['server', 42, 'must be a URL such as https://watchtower.example.org (got 42)'],
    ['procRoot', '', 'must be a non-empty string (got "")'],
    ['transport', 'udp', 'must be one of ws, http (got "udp")'],
  ])('refuses a wrong type or value in the file: %s = %j', (name, value, message) => {
    const path = file(`${name}.json`, { [name]: value });
    expect(lines(() => load({ configFile: path }))).toEqual([`"${name}" in ${path} ${message}`]);
  });

  it('reports every bad value together, one line each, in table order', () => {
    const path = file('bad.json', { batchMax: 0, hostname: '' });
    const env = {
      AGENT_INTERVAL_SECS: '0',
      AGENT_QUEUE_MAX: '100001',
      PACKET_CAPTURE: 'maybe',
      AGENT_GATEWAY: 'router.lan',
      WATCHTOWER_URL: 'ftp://x',
    };
    expect(lines(() => load({ configFile: path, env }))).toEqual([
      'WATCHTOWER_URL must be an https, http, wss or ws URL, or a bare host name (got "ftp://x")',
      'AGENT_INTERVAL_SECS must be an integer between 10 and 3600 (got "0")',
      'AGENT_QUEUE_MAX must be an integer between 1 and 100000 (got "100001")',
      `"batchMax" in ${path} must be an integer between 1 and 100 (got 0)`,
      'AGENT_GATEWAY must be an IP address (got "router.lan")',
      'PACKET_CAPTURE must be true or false (got "maybe")',
      `"hostname" in ${path} must be a non-empty string (got "")`,
    ]);
  });

  it.each(['1.2.3', 'beef.cafe', '10.0.0.256', 'fe80::1::2'])('refuses %s as a probe address', (address) => {
    expect(lines(() => load({ env: { AGENT_DNS_SERVER: address } }))).toEqual([
      `AGENT_DNS_SERVER must be an IP address (got "${address}")`,
    ]);
  });

  it.each([
    ['wt_ak_short', 11],
    [`wt_ak_${'x'.repeat(31)}-`, 38],
    [`WT_AK_${'a'.repeat(32)}`, 38],
    [`${KEY}x`, 39],
  ])('refuses a malformed key without echoing it: %s', (key, length) => {
    expect(lines(() => load({ env: { WATCHTOWER_AGENT_KEY: key } }))).toEqual([
      `WATCHTOWER_AGENT_KEY must be an agent key: wt_ak_ followed by 32 letters or digits (got ${length} characters)`,
    ]);
  });

  it('refuses a malformed key in the file, also by its length only', () => {
    const path = file('bad-key.json', { key: 'wt_ak_short' });
    expect(lines(() => load({ configFile: path }))).toEqual([
      `"key" in ${path} must be an agent key: wt_ak_ followed by 32 letters or digits (got 11 characters)`,
    ]);
    const typed = file('number-key.json', { key: 42 });
    expect(lines(() => load({ configFile: typed }))).toEqual([
      `"key" in ${typed} must be an agent key: wt_ak_ followed by 32 letters or digits (got a number)`,
    ]);
  });

  it('accepts a well-formed key', () => {
    expect(load({ env: { WATCHTOWER_AGENT_KEY: ` ${KEY}\n` } }).key).toBe(KEY);
  });

  it('refuses a config file that holds the key while others may read it, and accepts it at 0600', () => {
    const open = file('open.json', { key: KEY }, 0o644);
    expect(lines(() => load({ configFile: open }))).toEqual([
      `config file ${open} is readable or writable by group or others (mode 0644): run chmod 600 ${open} ` +
        '(it holds the agent key)',
    ]);
    expect(load({ configFile: file('private.json', { key: KEY }, 0o600) }).key).toBe(KEY);
    // without a key, the file is no secret
    expect(load({ configFile: file('public.json', { intervalSecs: 20 }, 0o644) }).intervalSecs).toBe(20);
  });

  it('refuses a missing --config file', () => {
    expect(lines(() => load({ configFile: missing }))).toEqual([`config file ${missing} does not exist`]);
  });

  it('refuses a default file that exists but is not JSON, or not an object', () => {
    const broken = file('broken.json', '{"intervalSecs": 15,');
    expect(lines(() => load({ defaultConfigFile: broken }))).toEqual([
      expect.stringMatching(new RegExp(`^config file ${broken} is not valid JSON \\(.+\\)$`)),
    ]);
    const list = file('list.json', [1, 2]);
    expect(lines(() => load({ defaultConfigFile: list }))).toEqual([
      `config file ${list} must hold one JSON object of settings`,
    ]);
    expect(lines(() => load({ configFile: dir }))).toEqual([`config file ${dir} is not a file`]);
  });
});
