import { HeartbeatStore } from '../src/heartbeat/heartbeat.store';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs } from './jobs';
import { TEST_REDIS_URL } from './stores';
import Redis from 'ioredis';

// The "pulsing again" alert is claimed in the pulse's atomic step, like a death: a process that dies between
// that step and the enqueue leaves the claim behind, and a sweeper re-drives it.
describe('recovery alerts after a crash between the pulse and its enqueue', () => {
  let stores: TestStores;
  let app: TestApp;
  let redis: Redis;

  const body = (service: string, nextIn: number) => ({ service, alertType: 'log', alertTarget: 'ops', nextIn });
  const upJobs = async (service: string) =>
    (await allJobs(app.queue(QUEUE.alerts), 'up')).filter((job) => job.data.service === service);
  const dead = async (service: string) =>
    eventually(async () => {
      const jobs = (await allJobs(app.queue(QUEUE.alerts), 'down')).filter((job) => job.data.service === service);
      expect(jobs).toHaveLength(1);
    }, 5000);

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await stores.destroy();
  });

  it('sends the "up" alert exactly once, whether the pulse queued it or a sweeper re-drove it', async () => {
    for (const service of ['crashed', 'normal']) {
      expect((await app.request('POST', '/heartbeat', { body: body(service, 1) })).status).toBe(200);
    }
    await dead('crashed');
    await dead('normal');

    // the ordinary path: queued by the pulse, its claim forgotten at once
    expect((await app.request('POST', '/heartbeat', { body: body('normal', 60) })).status).toBe(200);
    expect(await upJobs('normal')).toHaveLength(1);
    // the crash: the atomic step ran, the process died before raising the fact
    const outcome = await app.app.get(HeartbeatStore, { strict: false }).pulse(body('crashed', 60), 1000);
    expect(outcome.kind).toBe('ok');
    expect(await redis.hkeys(`${stores.redisPrefix}:hb:recov`)).toEqual(['crashed']);

    await eventually(async () => expect(await upJobs('crashed')).toHaveLength(1), 30_000);
    // the re-drive acknowledged its claim, so nothing is left to send again
    await eventually(async () => expect(await redis.hlen(`${stores.redisPrefix}:hb:recov`)).toBe(0));
    expect(await upJobs('crashed')).toHaveLength(1);
    expect(await upJobs('normal')).toHaveLength(1);
    expect((await upJobs('crashed'))[0].data.title).toBe('Service crashed is pulsing again');
    await eventually(async () =>
      expect(
        await app.sql(`SELECT count(*)::int AS n FROM events WHERE message LIKE 'Service crashed is pulsing again%'`),
      ).toEqual([{ n: 1 }]),
    );
  }, 60_000);
});
