import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { eventually, PASSWORD } from './app';
import { createDatabase, dropRedisPrefix, freePort, TEST_REDIS_URL, uniqueName } from './stores';

const MAIN = join(resolve(__dirname, '../../..'), 'dist/apps/api/src/main.js');
/** Far longer than the gap between the restart and the not-yet-due deadlines, so the two outcomes separate. */
const GRACE_SECONDS = 30;
/** Longer than the alive key's 5 s TTL plus a restart, so these deadlines are still ahead when the grace runs. */
const NOT_DUE_NEXT_IN = 15;
/** How late after its death instant the sweeper may notice a death (it polls every 200 ms). */
const DETECTION_SLACK_MS = 2500;

interface Pulsed {
  service: string;
  /** Epoch ms at which the service is dead: one whole second after `expected` (§6.3). */
  deadAt: number;
}

// §6.6: a record whose deadline passed while no API process ran gets one grace; records not yet due keep theirs.
describe('startup grace after every API process died', () => {
  const running: ChildProcess[] = [];
  let port: number;
  let prefix: string;
  let db: { url: string; drop(): Promise<void> };
  let redis: Redis;
  let output = '';

  function start(): ChildProcess {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        WATCHTOWER_PASSWORD: PASSWORD,
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        HEARTBEAT_STARTUP_GRACE_SECONDS: String(GRACE_SECONDS),
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    running.push(child);
    return child;
  }

  async function api(method: string, path: string, body?: unknown): Promise<Record<string, any>> {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { password: PASSWORD },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect([path, res.status]).toEqual([path, 200]);
    return (await res.json()) as Record<string, any>;
  }

  async function listening(): Promise<void> {
    await eventually(async () => api('GET', '/heartbeats'), 30_000).catch((error: Error) => {
      throw new Error(`the API did not start: ${error.message}\n${output}`);
    });
  }

  async function pulse(service: string, nextIn: number): Promise<Pulsed> {
    const { heartBeat } = await api('POST', '/heartbeat', { service, alertType: 'log', alertTarget: 'ops', nextIn });
    return { service, deadAt: (heartBeat.expected + 1) * 1000 };
  }

  async function alerted(service: string): Promise<boolean> {
    return (await api('GET', `/heartbeat/${service}`)).heartBeat.alerted;
  }

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await exited;
    }
  }

  beforeAll(async () => {
    port = await freePort();
    prefix = uniqueName('t');
    db = await createDatabase();
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    for (const child of running) {
      await kill(child);
    }
    redis.disconnect();
    await dropRedisPrefix(prefix);
    await db.drop();
  });

  it('keeps the deadlines not yet due and gives the overdue ones one grace', async () => {
    start();
    await listening();
    const notDue = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => pulse(`not-due-${i}`, NOT_DUE_NEXT_IN)),
    );
    // dead 3 s from now, while no API process runs: overdue when the next one starts
    const overdue = await pulse('overdue', 2);
    await kill(running[0]);

    // no API process alive: the last sweeper's presence key has expired
    await eventually(async () => expect(await redis.exists(`${prefix}:hb:alive`)).toBe(0), 10_000);
    expect(Date.now()).toBeGreaterThan(overdue.deadAt);
    const restartedAt = Date.now();
    start();
    await listening();
    const readyAt = Date.now();
    // the grace ran during startup, before every one of these deadlines: they were not yet due (a machine
    // too slow for that fails here, not below)
    const firstDeadline = Math.min(...notDue.map((p) => p.deadAt));
    expect(readyAt).toBeLessThan(firstDeadline);
    expect(await alerted('overdue')).toBe(false);

    // each not-yet-due service dies at its own deadline, not one grace after the restart
    await Promise.all(
      notDue.map(async ({ service, deadAt }) => {
        await eventually(
          async () => expect([service, await alerted(service)]).toEqual([service, true]),
          deadAt + DETECTION_SLACK_MS - Date.now(),
        );
      }),
    );
    expect(Date.now()).toBeLessThan(restartedAt + GRACE_SECONDS * 1000);

    // the overdue one is still alive now that the others died, and dies one grace after the restart
    expect(await alerted('overdue')).toBe(false);
    await eventually(
      async () => expect(await alerted('overdue')).toBe(true),
      readyAt + GRACE_SECONDS * 1000 + DETECTION_SLACK_MS - Date.now(),
    );
    expect(Date.now()).toBeGreaterThanOrEqual(restartedAt + GRACE_SECONDS * 1000);
  }, 85_000);
});
