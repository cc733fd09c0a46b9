import { eventually, QUEUE, TestApp, TestStores } from './app';

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
