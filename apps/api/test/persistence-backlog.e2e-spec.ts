import { Client } from 'pg';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs } from './jobs';

const LIMIT = 5;

// Back-pressure: with no worker the persistence jobs wait; past the limit, writes are refused with 503.
describe('persistence backlog limit', () => {
  let stores: TestStores;
  let api: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    api = await stores.start({ ROLE: 'api', PERSISTENCE_BACKLOG_LIMIT: String(LIMIT) });
  });
  afterAll(async () => stores.destroy());

  const post = async (n: number) =>
    api.request('POST', '/add-event', { body: { service: 'backlog', message: `m${n}`, level: 1 } });

  it('answers 503 with Retry-After and the usual hint past the limit, and accepts again once drained', async () => {
    let accepted = 0;
    const refused = await eventually(async () => {
      const res = await post(accepted);
      if (res.status === 200) {
        accepted += 1;
      }
      expect(res.status).toBe(503);
      return res;
    }, 20_000);
    expect(refused.json).toEqual({ result: 503, hint: 'unavailable, retry later' });
    expect(refused.headers.get('retry-after')).toBe('5');
    const waiting = await api.queue(QUEUE.persistence).getWaitingCount();
    expect(waiting).toBeGreaterThanOrEqual(LIMIT);
    // nothing answered 200 was dropped: every accepted event waits in a job
    const jobs = await api.queue(QUEUE.persistence).getWaiting(0, -1);
    expect(jobs.reduce((n, job) => n + job.data.events.length, 0)).toBe(accepted);

    // a worker drains the backlog; within the count's one-second cache, writes are accepted again
    await stores.start({ ROLE: 'worker' });
    await eventually(async () => expect(await api.eventsOf('backlog')).toHaveLength(accepted), 20_000);
    await eventually(async () => expect((await post(-1)).status).toBe(200), 5000);
  });
});

// What the server detects itself is the outage the backlog may come from: a full backlog never refuses a death.
describe('a full persistence backlog and a death', () => {
  let stores: TestStores;
  let app: TestApp;
  let lock: Client;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ PERSISTENCE_BACKLOG_LIMIT: String(LIMIT), HEARTBEAT_STARTUP_GRACE_SECONDS: '0' });
    lock = new Client({ connectionString: stores.databaseUrl });
    await lock.connect();
  });
  afterAll(async () => {
    await lock.end().catch(() => undefined);
    await stores.destroy();
  });

  it('still records the death and queues its alert while requests get 503', async () => {
    const body = { service: 'backlogged', alertType: 'log', alertTarget: 'ops', nextIn: 2 };
    expect((await app.request('POST', '/', { body })).status).toBe(200);
    // PostgreSQL stops taking events, so the worker blocks on its batch and the backlog fills up
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE events IN EXCLUSIVE MODE');
    try {
      let n = 0;
      await eventually(async () => {
        const res = await app.request('POST', '/add-event', { body: { service: 'filler', message: `m${n++}` } });
        expect(res.status).toBe(503);
      }, 20_000);
      await eventually(async () => expect(await allJobs(app.queue(QUEUE.alerts), 'down')).toHaveLength(1), 10_000);
      expect((await app.request('GET', '/heartbeat/backlogged')).json.heartBeat.alerted).toBe(true);
    } finally {
      await lock.query('ROLLBACK');
    }
    await eventually(
      async () =>
        expect((await app.eventsOf('backlogged')).map((e) => e.message)).toEqual([
          expect.stringMatching(/^Service backlogged has not pulsed/),
        ]),
      20_000,
    );
  });
});
