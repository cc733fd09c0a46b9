import { ChildProcess } from 'node:child_process';
import { eventually, TestApp, TestStores } from './app';
import { freePort, kill, redisOn } from './stores';

describe('health probes', () => {
  let stores: TestStores;
  let app: TestApp;
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = redisOn(port);
    stores = await TestStores.create();
    await eventually(async () => {
      app = await stores.start({ REDIS_URL: `redis://127.0.0.1:${port}` });
    });
  });
  afterAll(async () => {
    // the app closes its queues through Redis: bring it back first
    if (redis.exitCode !== null || redis.signalCode !== null) {
      redis = redisOn(port);
    }
    await stores.destroy();
    await kill(redis).catch(() => undefined);
  });

  it('answers up on both probes without a password', async () => {
    const live = await app.request('GET', '/health/live', { password: null });
    expect([live.status, live.text]).toEqual([200, '{"status":"up"}']);
    // the sweeper marks itself alive within a second of boot
    await eventually(async () => {
      const ready = await app.request('GET', '/health/ready', { password: null });
      expect([ready.status, ready.text]).toEqual([200, '{"status":"up"}']);
    });
  });

  it('says degraded naming only redis while Redis is down, stays live, and recovers', async () => {
    await kill(redis);
    const started = Date.now();
    const ready = await app.request('GET', '/health/ready', { password: null });
    expect([ready.status, ready.json]).toEqual([
      503,
      { status: 'degraded', failing: expect.arrayContaining(['redis']) },
    ]);
    // the parts that live in Redis (queues, the sweeper's mark) fail with it, PostgreSQL does not
    expect(ready.json.failing).not.toContain('postgres');
    expect(Date.now() - started).toBeLessThan(5000);
    const live = await app.request('GET', '/health/live', { password: null });
    expect([live.status, live.text]).toEqual([200, '{"status":"up"}']);
    // the process keeps answering what it can
    expect((await app.request('GET', '/hello')).status).toBe(200);

    redis = redisOn(port);
    await eventually(async () => {
      const back = await app.request('GET', '/health/ready', { password: null });
      expect([back.status, back.text]).toEqual([200, '{"status":"up"}']);
    }, 20_000);
  }, 60_000);

  it('names a queue whose oldest waiting job is older than the limit', async () => {
    // an api-only process on stores of its own: no worker takes the job
    const own = await TestStores.create();
    try {
      const api = await own.start({ ROLE: 'api' });
      await api.queue('alerts').add('stuck', { nothing: true }, { timestamp: Date.now() - 3_600_000 });
      const ready = await api.request('GET', '/health/ready', { password: null });
      expect([ready.status, ready.text]).toEqual([503, '{"status":"degraded","failing":["queue:alerts"]}']);
    } finally {
      await own.destroy();
    }
  });
});
