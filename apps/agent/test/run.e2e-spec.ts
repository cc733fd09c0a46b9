import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateAgentHealth, validateHostInfo, validateSnapshot } from '@lib/wire-format';
import { FakeGateway, TEST_KEY } from './fake-gateway';
import { AGENT_NODE_FLAGS } from '../src/node-flags';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/agent/src/main.js');

interface Agent {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

describe('watchtower-agent run and check', () => {
  let dir: string;
  let gateway: FakeGateway;
  let agents: Agent[];

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'wt-agent-run-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    gateway = await FakeGateway.start();
    agents = [];
  });
  afterEach(async () => {
    agents.forEach((agent) => agent.child.exitCode === null && agent.child.kill('SIGKILL'));
    await gateway.stop();
  });

  // asynchronous spawn: the fake server runs on this process's event loop. Probes go to loopback only.
  const agent = (args: string[], env: Record<string, string> = {}): Agent => {
    const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, MAIN, ...args], {
      env: {
        PATH: process.env.PATH,
        AGENT_GATEWAY: '127.0.0.1',
        AGENT_DNS_SERVER: '127.0.0.1',
        HOST_ID_FILE: join(dir, 'host-id'),
        WATCHTOWER_URL: gateway.url,
        WATCHTOWER_AGENT_KEY: TEST_KEY,
        AGENT_INTERVAL_SECS: '10',
        ...env,
      },
    });
    let [out, err] = ['', ''];
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const started = { child, stderr: () => err, stdout: () => out, exited };
    agents.push(started);
    return started;
  };

  it('says hello, sends valid snapshots on its timer and on report_now, and ends with bye on SIGTERM', async () => {
    const run = agent([]);
    const hello = await gateway.nth('hello');
    expect(hello.message).toMatchObject({
      schema_version: 1,
      agent_version: expect.stringMatching(/^watchtower-agent\//),
    });
    expect(validateHostInfo(hello.message.host)).toMatchObject({ ok: true });

    // the first cycle follows the priming sample; the next one only comes on report_now (the interval is 10 s)
    const first = await gateway.nth('ingest');
    gateway.send({ type: 'report_now' });
    const second = await gateway.nth('ingest', 2);
    for (const ingest of [first, second]) {
      const snapshots = ingest.message.snapshots as unknown[];
      expect(snapshots).toHaveLength(1);
      expect(validateSnapshot(snapshots[0])).toMatchObject({ ok: true });
      expect(validateAgentHealth(ingest.message.agent_health)).toMatchObject({ ok: true });
    }
    expect(second.message.agent_health).toMatchObject({ dropped_count: 0, queue_depth: 1 });

    const stopAt = Date.now();
    run.child.kill('SIGTERM');
    const bye = await gateway.nth('bye');
    expect(Date.now() - stopAt).toBeLessThan(5000);
    expect(bye.message.reason).toBe('shutdown (SIGTERM)');
    expect(await run.exited).toBe(0);
    // one line per state change, none per message
    expect(run.stderr()).toContain(`connected to ${gateway.url}/api/v1/agents/ws as agent agent-1`);
    expect(
      run
        .stderr()
        .split('\n')
        .filter((line) => line.includes('ingest')),
    ).toEqual([]);
  });

  it('on SIGTERM with a batch unacknowledged, gives up after 5 s, says what was lost, and still says bye', async () => {
    gateway.onIngest = () => ({ silent: true });
    const run = agent([]);
    await gateway.nth('ingest');
    const stopAt = Date.now();
    run.child.kill('SIGTERM');
    await gateway.nth('bye');
    expect(Date.now() - stopAt).toBeGreaterThanOrEqual(4900);
    expect(Date.now() - stopAt).toBeLessThan(7000);
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('1 snapshot(s) not sent before shutdown: lost');
  });

  it('applies a settings_update interval without reconnecting, re-arming the timer', async () => {
    // at 3600 s (the welcome's) the timer would not fire again during the test; the update must re-arm it
    gateway.welcome = { settings: { interval_secs: 3600 } };
    agent([]);
    await gateway.nth('ingest');
    const updatedAt = Date.now();
    gateway.send({ type: 'settings_update', settings: { interval_secs: 10 } });
    const next = await gateway.nth('ingest', 2);
    expect(Date.now() - updatedAt).toBeGreaterThan(9000);
    expect(Date.now() - updatedAt).toBeLessThan(13_000);
    expect(next.connection).toBe(1);
  });

  it('applies a settings_update health interval and bandwidth threshold on the running collection thread', async () => {
    // a sysfs tree of one interface whose rx counter the test moves: the rate is ours, not the host's traffic
    const net = join(dir, 'sys/class/net/eth9');
    mkdirSync(join(net, 'statistics'), { recursive: true });
    writeFileSync(join(net, 'operstate'), 'up\n');
    let rxBytes = 0;
    writeFileSync(join(net, 'statistics/rx_bytes'), '0\n');
    gateway.welcome = { settings: { interval_secs: 3600, health_interval_secs: 30 } };
    const run = agent([], { SYS_ROOT: join(dir, 'sys') });
    await gateway.nth('ingest');
    // 10 kB between cycles milliseconds to seconds apart: far below the default 100 MB/s, far above 1 kB/s
    const cycle = async (n: number) => {
      rxBytes += 10_000;
      writeFileSync(join(net, 'statistics/rx_bytes'), `${rxBytes}\n`);
      gateway.send({ type: 'report_now' });
      const ingest = await gateway.nth('ingest', n);
      return { ingest, snapshot: (ingest.message.snapshots as Record<string, unknown>[])[0] };
    };
    for (const n of [2, 3]) {
      const { snapshot } = await cycle(n);
      expect(snapshot.interfaces).toEqual([expect.objectContaining({ name: 'eth9' })]);
      expect(snapshot.alerts).toBeUndefined();
    }

    gateway.send({ type: 'settings_update', settings: { health_interval_secs: 5, bandwidth_alert_bytes_per_sec: 0 } });
    gateway.send({
      type: 'settings_update',
      settings: { health_interval_secs: 15, bandwidth_alert_bytes_per_sec: 1000 },
    });
    await gateway.until(() => run.stderr().includes('bandwidth alert threshold now 1000 B/s'), 'the threshold line');
    // the alert takes two cycles in a row over the new threshold
    expect((await cycle(4)).snapshot.alerts).toBeUndefined();
    const { ingest, snapshot } = await cycle(5);
    expect(validateSnapshot(snapshot)).toMatchObject({ ok: true });
    expect(snapshot.alerts).toEqual([
      expect.objectContaining({ category: 'bandwidth', message: 'eth9: bandwidth threshold exceeded' }),
    ]);
    expect(ingest.connection).toBe(1);
    const lines = run.stderr().split('\n');
    expect(lines.filter((line) => line.includes("ignored the server's"))).toEqual([
      expect.stringContaining("ignored the server's health_interval_secs 5: must be an integer between 15 and 3600"),
      expect.stringContaining("ignored the server's bandwidth_alert_bytes_per_sec 0: must be an integer >= 1"),
    ]);
    expect(lines.filter((line) => line.includes('health checks now every'))).toEqual([
      expect.stringContaining('health checks now every 15 s (server setting)'),
    ]);
  });

  it('stops with a clear line and exit status 3 when the server revokes it (4001)', async () => {
    const run = agent(['run']);
    await gateway.nth('ingest');
    gateway.closeCurrent(4001, 'revoked');
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toContain('the server revoked this agent (close 4001)');
    expect(gateway.types().filter((type) => type.endsWith('hello'))).toEqual(['1:hello']);
  });

  it('check: prints the welcome with the round trip and exits 0', async () => {
    const check = agent(['check']);
    expect(await check.exited).toBe(0);
    expect(check.stdout()).toMatch(
      new RegExp(
        `^ok: server at ${gateway.url}/api/v1/agents/ws welcomed agent agent-1 \\(host [0-9a-f-]{36}\\), ` +
          `server time \\d{4}-\\d\\d-\\d\\dT[^,]+, hello→welcome \\d+ ms\\n$`,
      ),
    );
    expect(gateway.types()).toEqual(['1:hello', '1:bye']);
  });

  it('check: prints the server version when the welcome has one', async () => {
    gateway.welcome = { server_version: '1.4.0' };
    const check = agent(['check']);
    expect(await check.exited).toBe(0);
    expect(check.stdout()).toMatch(/^ok: server 1\.4\.0 at ws:/);
  });

  it('check: exits 1 with the reason on one line for a refused key and an unreachable server', async () => {
    gateway.key = 'wt_ak_' + 'Z'.repeat(32);
    const refused = agent(['check']);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toBe('check failed: the server refused the key (401)\n');

    const unreachable = agent(['check'], { WATCHTOWER_URL: 'ws://127.0.0.1:1' });
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.stderr()).toMatch(
      /^check failed: connection to ws:\/\/127\.0\.0\.1:1\/api\/v1\/agents\/ws failed: .*ECONNREFUSED.*\n$/,
    );
  });
});
