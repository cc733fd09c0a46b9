import Redis from 'ioredis';
import { ChildProcess } from 'node:child_process';
import { HeartbeatStore } from '../src/heartbeat/heartbeat.store';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { freePort, kill, redisOn } from './stores';

const body = (service: string, nextIn = 600) => ({ service, alertType: 'log', alertTarget: 'ops', nextIn });

/** Calls of one Redis command since the server started, from INFO commandstats. */
async function calls(redis: Redis, command: string): Promise<number> {
  const info = await redis.info('commandstats');
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}

// Pulses of one event-loop turn share one script call; their rows reach PostgreSQL through dirty marks that a
// worker drains, not through one persistence job each (issue 12).
describe('pulses batched per turn, rows copied from dirty marks', () => {
  let stores: TestStores;
  let app: TestApp;
  let redis: Redis;
  let server: ChildProcess;

  beforeAll(async () => {
    // a Redis of its own: INFO commandstats counts every client's calls, and the other suites' run meanwhile
    const port = await freePort();
    server = redisOn(port);
    stores = await TestStores.create();
    await eventually(async () => {
      app = await stores.start({ REDIS_URL: `redis://127.0.0.1:${port}` });
    });
    redis = new Redis(`redis://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    redis.disconnect();
    await stores.destroy();
    await kill(server);
  });

  it('gives each pulse of one turn its own outcome from one script call, the service limit counted in order', async () => {
    const store = app.app.get(HeartbeatStore, { strict: false });
    await store.pulse(body('limit-0'), 1000);
    const outcomes = await Promise.all(
      ['limit-1', 'limit-2', 'limit-0', 'limit-3', 'limit-4'].map(async (service) => store.pulse(body(service), 3)),
    );
    // 'limit-0' already exists, so it passes even past the limit; the third new service is refused, and after it
    // every other new one
    expect(outcomes.map((o) => o.kind)).toEqual(['ok', 'ok', 'ok', 'limit', 'limit']);
    expect(outcomes.map((o) => (o.kind === 'ok' ? o.record.service : null))).toEqual([
      'limit-1',
      'limit-2',
      'limit-0',
      null,
      null,
    ]);
    // none of them ended a death, so no record before the pulse came back
    expect(outcomes.map((o) => (o.kind === 'ok' ? o.recovered : 'limit'))).toEqual([
      null,
      null,
      null,
      'limit',
      'limit',
    ]);

    // 200 pulses of one turn are one EVALSHA; the sweeper and the drain may add a few of their own meanwhile
    const before = await calls(redis, 'evalsha');
    const many = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => store.pulse(body(`many-${i % 3}`), 1000)),
    );
    expect(many.every((o) => o.kind === 'ok')).toBe(true);
    expect((await calls(redis, 'evalsha')) - before).toBeLessThan(20);
  });

  it('answers concurrent pulses over HTTP each with its own record, and queues no persistence job for them', async () => {
    const persistence = app.queue(QUEUE.persistence);
    // BullMQ numbers every job added to a queue with this counter
    const added = async () => Number(await redis.get(`${stores.redisPrefix}:${persistence.name}:id`));
    const idBefore = await added();
    const services = Array.from({ length: 50 }, (_, i) => `batch-${i}`);
    const answers = await Promise.all(
      services.map(async (s, i) => app.request('POST', '/', { body: body(s, 100 + i) })),
    );
    expect(answers.map((a) => a.status)).toEqual(services.map(() => 200));
    expect(answers.map((a) => [a.json.heartBeat.service, a.json.heartBeat.nextIn])).toEqual(
      services.map((s, i) => [s, 100 + i]),
    );
    const rows = await eventually(async () => {
      const found = await app.sql<{ service: string; next_in: number }>(
        `SELECT service, next_in FROM heartbeats WHERE service LIKE 'batch-%' ORDER BY next_in`,
      );
      expect(found).toHaveLength(services.length);
      return found;
    }, 10_000);
    expect(rows.map((r) => [r.service, r.next_in])).toEqual(services.map((s, i) => [s, 100 + i]));
    expect(await added()).toBe(idBefore);
  });

  it('writes the newest record of a service pulsed many times, and deletes the row of a deleted service', async () => {
    for (let nextIn = 1000; nextIn <= 1010; nextIn++) {
      expect((await app.request('POST', '/', { body: body('often', nextIn) })).status).toBe(200);
    }
    await eventually(async () =>
      expect(await app.sql(`SELECT next_in FROM heartbeats WHERE service = 'often'`)).toEqual([{ next_in: 1010 }]),
    );
    expect((await app.request('DELETE', '/heartbeats/often')).status).toBe(200);
    await eventually(async () => expect(await app.sql(`SELECT 1 FROM heartbeats WHERE service = 'often'`)).toEqual([]));
    // nothing left behind in Redis: every mark was claimed and every claim acknowledged
    await eventually(async () => {
      expect(await redis.scard(`${stores.redisPrefix}:hb:dirty`)).toBe(0);
      expect(await redis.zcard(`${stores.redisPrefix}:hb:draining`)).toBe(0);
    });
  });

  it('re-drives a claim whose worker died before writing it', async () => {
    expect((await app.request('POST', '/', { body: body('orphan', 777) })).status).toBe(200);
    await eventually(async () =>
      expect(await app.sql(`SELECT next_in FROM heartbeats WHERE service = 'orphan'`)).toEqual([{ next_in: 777 }]),
    );
    // a worker claimed the service (the mark left `dirty`) and died: the claim sits in `draining`, 20 s old
    await app.sql(`UPDATE heartbeats SET next_in = 1, version = version - 1 WHERE service = 'orphan'`);
    const claimedAt = (await redis.time())[0] - 20;
    await redis.zadd(`${stores.redisPrefix}:hb:draining`, claimedAt, 'orphan');
    await eventually(
      async () =>
        expect(await app.sql(`SELECT next_in FROM heartbeats WHERE service = 'orphan'`)).toEqual([{ next_in: 777 }]),
      10_000,
    );
    await eventually(async () => expect(await redis.zcard(`${stores.redisPrefix}:hb:draining`)).toBe(0));
  });
});
