import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateIngestRequest } from '@lib/wire-format';
import { AGENT_NODE_FLAGS } from '../src/node-flags';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/agent/src/main.js');

describe('watchtower-agent once --json', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-agent-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Probes go to loopback only: never to this machine's real gateway or DNS server.
  const once = (args = ['once', '--json']) =>
    spawnSync(process.execPath, [...AGENT_NODE_FLAGS, MAIN, ...args], {
      env: {
        PATH: process.env.PATH,
        AGENT_GATEWAY: '127.0.0.1',
        AGENT_DNS_SERVER: '127.0.0.1',
        HOST_ID_FILE: join(dir, 'host-id'),
      },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('prints one IngestRequest for this machine that the API-side validator accepts', () => {
    const run = once();
    expect(run.status).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(run.stdout);
    const checked = validateIngestRequest(parsed);
    expect(checked).toEqual({ ok: true, value: expect.anything() });

    const { host, snapshots, agent_health: health } = parsed;
    expect(host.host_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(readFileSync(join(dir, 'host-id'), 'utf8').trim()).toBe(host.host_id);
    for (const key of ['hostname', 'kernel', 'uptime_secs', 'cpu_model', 'cpu_cores', 'memory_total_bytes']) {
      expect([key, host[key]]).not.toEqual([key, null]);
    }
    expect(snapshots).toHaveLength(1);
    const [snapshot] = snapshots;
    expect(snapshot.interfaces.length).toBeGreaterThan(0);
    expect(snapshot.system.cpu_usage_pct).toBeGreaterThanOrEqual(0);
    expect(snapshot.system.memory_total_bytes).toBe(host.memory_total_bytes);
    expect(snapshot.disk_usage.length).toBeGreaterThan(0);
    expect(snapshot.disk_io).not.toBeNull();
    expect(snapshot.tcp_time_wait).not.toBeNull();
    expect(snapshot.connection_count).not.toBeNull();
    expect(snapshot.health).toMatchObject({ gateway_ip: '127.0.0.1', dns_ip: '127.0.0.1' });
    expect(health).toMatchObject({ dropped_count: 0, queue_depth: 0, packet_capture: 'unavailable' });
  });

  it('keeps the same host id on the next run', () => {
    const first = JSON.parse(once().stdout).host.host_id;
    expect(JSON.parse(once().stdout).host.host_id).toBe(first);
  });

  it('refuses an unknown command with its usage', () => {
    const run = once(['forever']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('watchtower-agent once --json');
    expect(run.stdout).toBe('');
  });
});
