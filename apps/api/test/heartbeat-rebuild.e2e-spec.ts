import Redis from 'ioredis';
import { ChildProcess } from 'node:child_process';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs, sleepUntil } from './jobs';
import { freePort, kill, redisOn } from './stores';

const GRACE_SECONDS = 30;

// After Redis lost its data, the rebuild from PostgreSQL must neither kill every overdue service at once nor
// overwrite a record pulsed since. The API and the worker (which rebuilds) run apart, so a pulse lands in the
// empty Redis before the rebuild does.
describe('rebuild after Redis lost its data', () => {
  let stores: TestStores;
  let redisServer: ChildProcess;
  let redis: Redis;
  let port: number;
  let api: TestApp;

  const start = async (role: string): Promise<TestApp> =>
    eventually(
      async () =>
        stores.start({
          REDIS_URL: `redis://127.0.0.1:${port}`,
          ROLE: role,
          HEARTBEAT_STARTUP_GRACE_SECONDS: String(GRACE_SECONDS),
        }),
      15_000,
    );
  const pulse = async (service: string, nextIn: number) =>
    api.request('POST', '/heartbeat', { body: { service, alertType: 'log', alertTarget: 'ops', nextIn } });
  const key = (name: string) => `${stores.redisPrefix}:hb:${name}`;

  beforeAll(async () => {
    port = await freePort();
    redisServer = redisOn(port);
    redis = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null });
    stores = await TestStores.create();
  });
  afterAll(async () => {
    // the apps close their queues through Redis: bring it back first if a failure left it down
    if (redisServer.exitCode !== null || redisServer.signalCode !== null) {
      redisServer = redisOn(port);
    }
    await stores.destroy();
    redis.disconnect();
    await kill(redisServer).catch(() => undefined);
  });

  /** Waits for two more sweeper loops (each refreshes the presence key, then sweeps). */
  async function sweptTwice(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      await redis.del(key('alive'));
      await eventually(async () => expect(await redis.exists(key('alive'))).toBe(1), 5000);
    }
  }

  it('gives services overdue after the loss the startup grace, with the sweeper running throughout', async () => {
    api = await start('api');
    const worker = await start('worker');
    const overdue = (await pulse('overdue', 2)).json.heartBeat;
    await eventually(async () =>
      expect(await api.sql(`SELECT service FROM heartbeats WHERE service = 'overdue'`)).toHaveLength(1),
    );
    await kill(redisServer);
    // past the death instant of `overdue` while the live state is gone
    await sleepUntil(overdue.expected + 1, 500);
    redisServer = redisOn(port);

    // the running sweeper notices the empty Redis and rebuilds it from PostgreSQL
    await eventually(async () => expect(await redis.exists(key('ready'))).toBe(1), 15_000);
    const rebuiltAt = Date.now() / 1000;
    expect(Number(await redis.zscore(key('due'), 'overdue'))).toBeGreaterThan(rebuiltAt + GRACE_SECONDS - 5);
    await sweptTwice();
    expect((await api.request('GET', '/heartbeat/overdue')).json.heartBeat.alerted).toBe(false);
    expect(await allJobs(worker.queue(QUEUE.alerts), 'down')).toHaveLength(0);
    await worker.close();
  }, 60_000);

  it('keeps a record pulsed after the loss and before the rebuild', async () => {
    const worker = await start('worker');
    expect((await pulse('newer', 60)).status).toBe(200);
    await eventually(async () =>
      expect(await api.sql(`SELECT service FROM heartbeats WHERE service = 'newer'`)).toHaveLength(1),
    );
    // no sweeper runs while Redis loses its data, so the pulse lands in the empty Redis before any rebuild
    await worker.close();
    await redis.flushall();
    expect((await pulse('newer', 600)).status).toBe(200);
    expect(await redis.exists(key('ready'))).toBe(0);

    await start('worker');
    await eventually(async () => expect(await redis.exists(key('ready'))).toBe(1), 15_000);
    // the live value, not the older row
    expect(JSON.parse((await redis.hget(key('rec'), 'newer'))!).nextIn).toBe(600);
    expect((await api.request('GET', '/heartbeat/newer')).json.heartBeat.nextIn).toBe(600);
    // the other rows are back
    expect(await redis.hexists(key('rec'), 'overdue')).toBe(1);
  }, 60_000);
});
