import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { eventually, PASSWORD } from './app';
import { sleep } from './jobs';
import { FakeProviders } from './providers';
import { createDatabase, dropRedisPrefix, freePort, TEST_REDIS_URL, uniqueName } from './stores';

const ROOT = resolve(__dirname, '../../..');
const API = join(ROOT, 'dist/apps/api/src/main.js');
const AGENT = join(ROOT, 'dist/apps/agent/src/main.js');
// the agent runs with the node flags of its launchers; read from the build, as the agent itself is
const { AGENT_NODE_FLAGS } = require(join(ROOT, 'dist/apps/agent/src/node-flags.js')) as { AGENT_NODE_FLAGS: string[] };
const INTERVAL = 10;

/** Issue 9 "Done when": a real agent process streams to a real API process; both can die. */
describe('a real agent against a real API', () => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let fake: FakeProviders;
  let dir: string;
  let port: number;
  let prefix: string;
  const children: ChildProcess[] = [];

  const run = (main: string, args: string[], env: Record<string, string>): ChildProcess => {
    const child = spawn(process.execPath, [...(main === AGENT ? AGENT_NODE_FLAGS : []), main, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (code !== 0 && code !== null && signal === null) {
        console.error(`${main} exited ${code}: ${stderr}`);
      }
    });
    children.push(child);
    return child;
  };
  const startApi = (): ChildProcess =>
    run(API, [], {
      WATCHTOWER_PASSWORD: PASSWORD,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      AGENTS_INTERVAL_SECS: String(INTERVAL),
      ALERT_ALLOW_PRIVATE_TARGETS: 'true', // the fake webhook receiver is on loopback
    });
  const startAgent = (key: string, hostname: string): ChildProcess =>
    run(AGENT, ['run'], {
      WATCHTOWER_URL: `http://127.0.0.1:${port}`,
      WATCHTOWER_AGENT_KEY: key,
      AGENT_INTERVAL_SECS: String(INTERVAL),
      AGENT_HOSTNAME: hostname,
      HOST_ID_FILE: join(dir, `${hostname}.id`),
      AGENT_GATEWAY: '127.0.0.1',
      AGENT_DNS_SERVER: '127.0.0.1',
    });
  const stop = async (child: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  };
  const api = async (method: string, path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { password: PASSWORD, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  const sql = async (query: string, params: unknown[] = []): Promise<any[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows;
    } finally {
      await client.end();
    }
  };
  const enroll = async (name: string, hook: string): Promise<string> => {
    const reply = await api('POST', '/api/v1/agents', {
      name,
      alertType: 'webhook',
      alertTarget: `${fake.url}${hook}`,
    });
    expect(reply.result).toBe(200);
    return reply.key as string;
  };
  const hostNamed = async (hostname: string): Promise<any> => {
    const { hosts } = await api('GET', '/api/v1/hosts');
    const host = (hosts as any[]).find((h) => h.hostname === hostname);
    expect(host).toBeDefined();
    return host;
  };

  beforeAll(async () => {
    db = await createDatabase();
    fake = await FakeProviders.start();
    dir = mkdtempSync(join(tmpdir(), 'wt-agent-e2e-'));
    port = await freePort();
    prefix = uniqueName('t');
    startApi();
    await eventually(async () => expect((await api('GET', '/hello')).result).toBe(200), 30_000);
  });
  afterAll(async () => {
    await Promise.all(children.map(async (child) => stop(child, 'SIGKILL')));
    await fake.stop();
    await dropRedisPrefix(prefix);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls, streams, survives an API crash without losing a snapshot, and stops without an alert', async () => {
    const key = await enroll('streamer', '/streamer-down');
    const agent = startAgent(key, 'streamer');
    const host = await eventually(async () => {
      const found = await hostNamed('streamer');
      expect(typeof found.cpuPct).toBe('number');
      return found;
    }, 30_000);
    const metrics = await api('GET', `/api/v1/hosts/${host.id}/metrics`);
    expect(metrics.cpu.length).toBeGreaterThan(0);

    // the API dies while the agent streams; the agent keeps collecting and reconnects by itself
    await stop(children[0], 'SIGKILL');
    const [{ before }] = await sql('SELECT count(*)::int AS before FROM snapshots WHERE host_id = $1', [host.id]);
    await sleep((INTERVAL + 3) * 1000);
    startApi();
    // the agent's reconnect delay is full-jitter exponential (up to 60 s): after the failed attempts of the outage
    // its next one may be half a minute away, and a loaded machine boots the API slower
    await eventually(async () => {
      const [{ n }] = await sql('SELECT count(*)::int AS n FROM snapshots WHERE host_id = $1', [host.id]);
      expect(n).toBeGreaterThanOrEqual(before + 2);
    }, 90_000);
    // exactly once and without a gap: consecutive snapshots are one interval apart, the outage included
    const gaps = await sql(
      `SELECT extract(epoch FROM timestamp - lag(timestamp) OVER (ORDER BY timestamp))::float AS gap
       FROM snapshots WHERE host_id = $1 ORDER BY timestamp`,
      [host.id],
    );
    for (const { gap } of gaps.slice(1)) {
      expect(gap).toBeLessThan(INTERVAL * 1.5);
    }

    // a planned stop says bye: the presence service is cancelled, so no deadline is left to fire (the API's
    // outage above may itself have counted against the agent's presence: only what follows the bye counts)
    const alertsBefore = fake.on('/streamer-down').filter((r) => JSON.parse(r.raw).kind === 'down').length;
    await stop(agent, 'SIGTERM');
    expect(agent.exitCode).toBe(0);
    const { heartBeat } = await api('GET', '/heartbeat/agent:streamer');
    expect(heartBeat).toMatchObject({ cancelled: true, alerted: false });
    const redis = new Redis(TEST_REDIS_URL);
    expect(await redis.zscore(`${prefix}:hb:due`, 'agent:streamer')).toBeNull();
    await redis.quit();
    expect(fake.on('/streamer-down').filter((r) => JSON.parse(r.raw).kind === 'down')).toHaveLength(alertsBefore);
  }, 180_000);

  it('alerts the owner once, with the host figures, when the agent is killed', async () => {
    const key = await enroll('victim', '/victim-down');
    const agent = startAgent(key, 'victim');
    await eventually(async () => expect(typeof (await hostNamed('victim')).cpuPct).toBe('number'), 30_000);
    await stop(agent, 'SIGKILL');
    const [alert] = await eventually(
      async () => {
        expect(fake.on('/victim-down')).toHaveLength(1);
        return fake.on('/victim-down');
      },
      (3 * INTERVAL + 10) * 1000,
    );
    const body = JSON.parse(alert.raw);
    expect(body).toMatchObject({ kind: 'down', service: 'agent:victim', title: 'Service agent:victim has not pulsed' });
    expect(body.context.host).toMatchObject({ name: 'victim' });
    expect(Object.keys(body.context.host).length).toBeGreaterThan(2);
    expect((await api('GET', '/heartbeat/agent:victim')).heartBeat.alerted).toBe(true);
  }, 90_000);
});
