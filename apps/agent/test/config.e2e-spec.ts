import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AGENT_NODE_FLAGS } from '../src/node-flags';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/agent/src/main.js');

describe('watchtower-agent configuration', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-agent-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const agent = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [...AGENT_NODE_FLAGS, MAIN, ...args], {
      env: { PATH: process.env.PATH, HOST_ID_FILE: join(dir, 'host-id'), ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('refuses a bad AGENT_INTERVAL_SECS with one line on stderr and exit code 1', () => {
    const run = agent(['once', '--json'], { AGENT_INTERVAL_SECS: '0' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'configuration error: AGENT_INTERVAL_SECS must be an integer between 10 and 3600 (got "0")\n',
    );
    expect(run.stdout).toBe('');
  });

  it('reports every bad value at once, one line each, without a stack trace', () => {
    const path = join(dir, 'typo.json');
    writeFileSync(path, JSON.stringify({ intervalSec: 5 }));
    const run = agent(['once', '--json', '--config', path], { AGENT_QUEUE_MAX: 'lots', PACKET_CAPTURE: 'maybe' });
    expect(run.status).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      `configuration error: unknown setting "intervalSec" in ${path} (did you mean "intervalSecs"?)`,
      'configuration error: AGENT_QUEUE_MAX must be an integer between 1 and 100000 (got "lots")',
      'configuration error: PACKET_CAPTURE must be true or false (got "maybe")',
      '',
    ]);
  });

  it('refuses a --config file that does not exist', () => {
    const path = join(dir, 'absent.json');
    const run = agent(['--config', path, 'once', '--json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`configuration error: config file ${path} does not exist\n`);
  });

  it('refuses --config without a file with its usage', () => {
    const run = agent(['once', '--json', '--config']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('watchtower-agent once --json [--config <file>]');
  });

  it('runs once --json with the settings of a --config file and no server or key', () => {
    const path = join(dir, 'agent.json');
    // the probe targets come from the file only: they keep the probes on loopback
    writeFileSync(path, JSON.stringify({ gateway: '127.0.0.1', dnsServer: '127.0.0.1', hostname: 'from-file' }));
    chmodSync(path, 0o644);
    const run = agent([`--config=${path}`, 'once', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { host, snapshots } = JSON.parse(run.stdout);
    expect(host.hostname).toBe('from-file');
    expect(host.host_id).toBe(readFileSync(join(dir, 'host-id'), 'utf8').trim());
    expect(snapshots[0].health).toMatchObject({ gateway_ip: '127.0.0.1', dns_ip: '127.0.0.1' });
  });
});
