import { Job, Queue } from 'bullmq';
import { eventually, QUEUE, TestApp, TestStores } from './app';

// A job added by hand (Bull Board) is input: a malformed one fails at its first attempt with what is wrong.
describe('malformed jobs fail at once', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
  });
  afterAll(async () => stores.destroy());

  async function failed(queue: Queue, job: Job): Promise<Job> {
    return eventually(async () => {
      expect(await queue.getJobState(job.id!)).toBe('failed');
      // read after the state, so the failure's fields are in the copy
      return (await queue.getJob(job.id!))!;
    }, 10_000);
  }

  it.each([
    [QUEUE.persistence, 'batch', { events: 'not a list' }, /^malformed persistence job: "events" must be an array$/],
    [
      QUEUE.persistence,
      'batch',
      { events: [{ uid: 'u', date: 'today', level: 0, service: 's', message: 'm', alert: false }] },
      /^malformed persistence job: events\[0\]: "date" is invalid \(got string\)$/,
    ],
    [QUEUE.persistence, 'batch', null, /^malformed persistence job: expected an object, got null$/],
    [
      QUEUE.alerts,
      'down',
      { kind: 'down', type: 'log' },
      /^malformed alerts job: "target" is invalid \(got undefined\)$/,
    ],
    [QUEUE.alerts, 'down', 'a string', /^malformed alerts job: expected an object, got string$/],
    [QUEUE.pings, 'ping', { service: 42 }, /^malformed pings job: "service" is invalid \(got number\)$/],
    [QUEUE.maintenance, 'purge-all', {}, /^malformed maintenance job: unknown job name "purge-all"/],
    [QUEUE.maintenance, 'run', { days: 0 }, /^malformed maintenance job: a "run" job takes no data$/],
  ])('%s job %s with %j', async (name, jobName, data, message) => {
    const queue = app.queue(name);
    // many attempts: only the shape check may stop the retries
    const job = await queue.add(jobName, data, { attempts: 20, backoff: { type: 'fixed', delay: 10 } });
    const done = await failed(queue, job);
    expect(done.failedReason).toMatch(message);
    expect(done.attemptsMade).toBe(1);
  });

  it('still writes a well-formed batch added by hand, lists missing ones as empty', async () => {
    const event = { uid: 'by-hand', date: Math.floor(Date.now() / 1000), level: 1, service: 'hand', message: 'ok' };
    const job = await app.queue(QUEUE.persistence).add('batch', { events: [{ ...event, alert: false }] });
    await eventually(async () => expect(await app.eventsOf('hand')).toEqual([{ message: 'ok', level: 1 }]));
    expect(await app.queue(QUEUE.persistence).getJob(job.id!)).toBeUndefined();
  });
});
