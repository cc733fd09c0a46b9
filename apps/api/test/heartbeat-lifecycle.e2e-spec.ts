import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs, sleep, sleepUntil } from './jobs';
import { dropRedisPrefix } from './stores';

const pulse = async (app: TestApp, service: string, nextIn: number, alertTarget = 'ops') =>
  app.request('POST', '/heartbeat', { body: { service, alertType: 'log', alertTarget, nextIn } });

const downJobs = async (app: TestApp, service?: string) =>
  (await allJobs(app.queue(QUEUE.alerts), 'down')).filter(
    (job) => service === undefined || job.data.service === service,
  );

describe('heartbeat deaths across processes and restarts', () => {
  let stores: TestStores;

  beforeEach(async () => {
    stores = await TestStores.create();
  });
  afterEach(async () => stores.destroy());

  it('declares a service dead within 2 s with one alert and the spec text, then "pulsing again"', async () => {
    const app = await stores.start();
    const started = Date.now();
    const res = await pulse(app, 'nightly', 1);
    expect(res.status).toBe(200);
    const job = await eventually(async () => {
      const jobs = await downJobs(app, 'nightly');
      expect(jobs).toHaveLength(1);
      return jobs[0];
    }, 4000);
    expect(job.timestamp - started).toBeLessThan(2500);
    expect(job.data).toMatchObject({
      kind: 'down',
      type: 'log',
      target: 'ops',
      title: 'Service nightly has not pulsed',
    });
    expect(job.data.body).toMatch(/^The service nightly is not pulsing since \d{8} \d\d:\d\d:\d\d$/);
    await eventually(async () =>
      expect(
        await app.sql(
          `SELECT level, alert FROM events WHERE service = 'nightly' AND message LIKE 'Service nightly has not pulsed - %'`,
        ),
      ).toEqual([{ level: 0, alert: false }]),
    );
    await eventually(async () =>
      expect(await app.sql(`SELECT alerted FROM heartbeats WHERE service = 'nightly'`)).toEqual([{ alerted: true }]),
    );

    await pulse(app, 'nightly', 60);
    await eventually(async () =>
      expect((await allJobs(app.queue(QUEUE.alerts), 'up')).map((j) => j.data.title)).toEqual([
        'Service nightly is pulsing again',
      ]),
    );
    await eventually(async () =>
      expect(await app.sql(`SELECT alerted FROM heartbeats WHERE service = 'nightly'`)).toEqual([{ alerted: false }]),
    );
  });

  it('keeps a history row per transition with HEARTBEAT_HISTORY=true', async () => {
    const app = await stores.start({ HEARTBEAT_HISTORY: 'true' });
    await pulse(app, 'tracked', 60);
    await app.request('DELETE', '/heartbeat', { body: { service: 'tracked' } });
    await pulse(app, 'tracked', 1);
    await eventually(
      async () =>
        expect(
          (await app.sql(`SELECT action, next_in FROM heartbeat_history WHERE service = 'tracked' ORDER BY id`)).map(
            (r) => `${r.action}:${r.next_in}`,
          ),
        ).toEqual(['pulse:60', 'cancel:60', 'pulse:1', 'alert:1']),
      6000,
    );
  });

  it('never declares a cancelled service dead', async () => {
    const app = await stores.start();
    await pulse(app, 'cancelled', 1);
    await app.request('DELETE', '/heartbeat', { body: { service: 'cancelled' } });
    await sleep(2500);
    expect(await downJobs(app)).toHaveLength(0);
    expect((await app.request('GET', '/heartbeat/cancelled')).json.heartBeat).toMatchObject({
      alerted: false,
      cancelled: true,
    });
  });

  it('lets a pulse that arrives before the deadline win', async () => {
    const app = await stores.start();
    for (let i = 0; i < 4; i++) {
      await pulse(app, 'steady', 2);
      await sleep(900);
    }
    expect(await downJobs(app)).toHaveLength(0);
  });

  it('CT-21 several processes: two API processes, 200 services dying in the same second, exactly 200 alert jobs', async () => {
    const a = await stores.start();
    const b = await stores.start();
    await Promise.all(Array.from({ length: 200 }, async (_, i) => pulse(i % 2 ? a : b, `svc-${i}`, 1)));
    await eventually(async () => expect(await downJobs(a)).toHaveLength(200), 8000);
    await sleep(1500);
    const jobs = await downJobs(b);
    expect(jobs).toHaveLength(200);
    expect(new Set(jobs.map((job) => job.data.service)).size).toBe(200);
    await eventually(async () =>
      expect(await a.sql(`SELECT count(*)::int AS n FROM events WHERE message LIKE '% has not pulsed - %'`)).toEqual([
        { n: 200 },
      ]),
    );
  });

  it('CT-12 restart: a death that fell due while no API ran is detected about 1 s after startup', async () => {
    const first = await stores.start({ HEARTBEAT_STARTUP_GRACE_SECONDS: '1' });
    const res = await pulse(first, 'restarted', 1);
    await first.close();
    await sleepUntil(res.json.heartBeat.expected + 2, 500);
    const startedAt = Date.now();
    const second = await stores.start({ HEARTBEAT_STARTUP_GRACE_SECONDS: '1' });
    await sleep(400);
    expect(await downJobs(second, 'restarted')).toHaveLength(0);
    const job = await eventually(async () => {
      const jobs = await downJobs(second, 'restarted');
      expect(jobs).toHaveLength(1);
      return jobs[0];
    }, 4000);
    expect(job.timestamp - startedAt).toBeGreaterThanOrEqual(900);
    expect(job.timestamp - startedAt).toBeLessThan(2500);
  });

  it('CT-12 restart: with the default grace, a pulse within 60 s of startup prevents the death', async () => {
    const first = await stores.start();
    const res = await pulse(first, 'comes-back', 1);
    await first.close();
    await sleepUntil(res.json.heartBeat.expected + 2, 500);
    const second = await stores.start();
    await sleep(1500);
    expect((await pulse(second, 'comes-back', 60)).json.heartBeat.alerted).toBe(false);
    await sleep(1500);
    expect(await downJobs(second)).toHaveLength(0);
    expect(await allJobs(second.queue(QUEUE.alerts), 'up')).toHaveLength(0);
  });

  it('rebuilds the live state from PostgreSQL when Redis lost it', async () => {
    const first = await stores.start();
    await pulse(first, 'durable', 3600);
    await first.request('DELETE', '/heartbeat', { body: { service: 'durable' } });
    await pulse(first, 'second', 3600);
    await eventually(async () =>
      expect(await first.sql('SELECT service, cancelled FROM heartbeats ORDER BY position')).toEqual([
        { service: 'durable', cancelled: true },
        { service: 'second', cancelled: false },
      ]),
    );
    await first.close();
    await dropRedisPrefix(stores.redisPrefix);
    const second = await stores.start();
    const list = await second.request('GET', '/heartbeats');
    expect(list.json.heartBeats.map((h: { service: string; cancelled: boolean }) => [h.service, h.cancelled])).toEqual([
      ['durable', true],
      ['second', false],
    ]);
  });
});
