import { ChildProcess } from 'node:child_process';
import { eventually, TestApp, TestStores } from './app';
import { freePort, kill, redisOn } from './stores';

// "Bad input always gets a clear error, never a hang": the same holds when a store goes away.
describe('store outage', () => {
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
    // the app closes its queues through Redis: bring it back first if a failure left it down
    if (redis.exitCode !== null || redis.signalCode !== null) {
      redis = redisOn(port);
    }
    await stores.destroy();
    await kill(redis).catch(() => undefined);
  });

  it('answers 503 with Retry-After within seconds while Redis is down, and recovers when it is back', async () => {
    const body = { service: 'outage', alertType: 'log', alertTarget: 'ops', nextIn: 60 };
    expect((await app.request('POST', '/heartbeat', { body })).status).toBe(200);
    // the record must be in PostgreSQL, the system of record, before Redis loses everything
    await eventually(async () =>
      expect(await app.sql(`SELECT service FROM heartbeats WHERE service = 'outage'`)).toHaveLength(1),
    );
    await kill(redis);

    for (const [method, path, payload] of [
      ['POST', '/heartbeat', body],
      ['POST', '/event', { service: 'outage', message: 'lost?' }],
      ['GET', '/heartbeats', undefined],
    ] as const) {
      const started = Date.now();
      const res = await app.request(method, path, { body: payload });
      expect([path, res.status, res.json.hint]).toEqual([path, 503, 'unavailable, retry later']);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(Date.now() - started).toBeLessThan(8000);
    }
    // listings that only need PostgreSQL keep working
    expect((await app.request('GET', '/events')).status).toBe(200);

    // Redis comes back empty (no persistence): the live state is rebuilt from PostgreSQL
    redis = redisOn(port);
    await eventually(async () => expect((await app.request('GET', '/heartbeat/outage')).status).toBe(200), 15_000);
    expect((await app.request('POST', '/heartbeat', { body })).status).toBe(200);
    await eventually(async () =>
      expect((await app.request('POST', '/event', { body: { service: 'outage', message: 'back' } })).status).toBe(200),
    );
  }, 60_000);
});
