import { Queue } from 'bullmq';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { producerConnection } from '../src/common/queue-connections';
import { eventually, TestApp, TestStores } from './app';
import { freePort } from './stores';

/** A Redis of our own with an append-only file, so a restart keeps the queues (as in production). */
function redisOn(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    { stdio: 'ignore' },
  );
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

// §3.7: 503 means "retry later", so a client that obeys it must not end up with the event stored twice.
describe('Redis restart', () => {
  let stores: TestStores;
  let app: TestApp;
  let redis: ChildProcess;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'wt-redis-restart-'));
    redis = redisOn(port, dir);
    stores = await TestStores.create();
    await eventually(async () => {
      app = await stores.start({ REDIS_URL: `redis://127.0.0.1:${port}` });
    });
  });
  afterAll(async () => {
    // the app closes its queues through Redis: bring it back first if a failure left it down
    if (redis.exitCode !== null || redis.signalCode !== null) {
      redis = redisOn(port, dir);
    }
    await stores.destroy();
    await stop(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores nothing of an event answered 503, even once Redis is back', async () => {
    const service = 'restart';
    const messages = async (): Promise<string[]> => (await app.eventsOf(service)).map((e) => e.message);
    expect((await app.request('POST', '/add-event', { body: { service, message: 'before' } })).status).toBe(200);
    await eventually(async () => expect(await messages()).toEqual(['before']));

    await stop(redis);
    const lost = `lost-${randomUUID()}`;
    const started = Date.now();
    const refused = await app.request('POST', '/add-event', { body: { service, message: lost } });
    const refusedAfterMs = Date.now() - started;
    expect([refused.status, refused.json.hint]).toEqual([503, 'unavailable, retry later']);

    redis = redisOn(port, dir);
    // the client retries until it is answered 200; every 503 on the way must have stored nothing either
    await eventually(async () => {
      const res = await app.request('POST', '/add-event', { body: { service, message: 'after' } });
      expect(res.status).toBe(200);
    }, 20_000);
    // the worker drains the queue in order: once 'after' is in PostgreSQL, anything queued before it is too
    await eventually(async () => expect(await messages()).toContain('after'), 20_000);
    expect(await messages()).toEqual(['before', 'after']);
    // and the 503 came at once, not after the 5 s queue deadline
    expect(refusedAfterMs).toBeLessThan(2000);
  }, 60_000);

  it('lets a queue add made before Redis is first reachable wait for it instead of failing', async () => {
    const offPort = await freePort();
    const env = { ...app.env, redisUrl: `redis://127.0.0.1:${offPort}` };
    const queue = new Queue('startup', { connection: producerConnection(env), prefix: env.redisPrefix });
    queue.on('error', () => undefined); // refused connections, expected until the server starts
    const offDir = mkdtempSync(join(tmpdir(), 'wt-redis-late-'));
    let late: ChildProcess | undefined;
    try {
      let settled = false;
      const adding = queue.add('early', { n: 1 }).finally(() => (settled = true));
      // the connection has been refused at least once while the add is pending
      await once(queue, 'error');
      expect(settled).toBe(false);
      late = redisOn(offPort, offDir);
      const job = await adding;
      expect((await queue.getJob(job.id!))?.data).toEqual({ n: 1 });
    } finally {
      await queue.close();
      if (late) {
        await stop(late);
      }
      rmSync(offDir, { recursive: true, force: true });
    }
  }, 30_000);
});
