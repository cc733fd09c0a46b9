import { eventually, QUEUE, TestApp, TestStores } from '../app';
import { allJobs } from '../jobs';
import { FakeProviders } from '../providers';
import { WorkerProcess } from './worker-process';

/** Lock (5 s) plus stalled check (5 s) plus slack for a loaded machine; BullMQ's defaults need 30-60 s. */
const REDRIVE_WITHIN_MS = 15_000;

// loopback webhooks; no startup grace, so the death is alerted at once
const WORKER = { ALERT_ALLOW_PRIVATE_TARGETS: 'true', HEARTBEAT_STARTUP_GRACE_SECONDS: '0' };

// A worker process dies while it holds an alert job: a second worker delivers it within seconds, once.
describe('an alert held by a killed worker', () => {
  let fake: FakeProviders;
  let stores: TestStores;
  let api: TestApp;
  let first: WorkerProcess;

  beforeAll(async () => {
    fake = await FakeProviders.start();
    stores = await TestStores.create();
    api = await stores.start({ ROLE: 'api' });
  });
  afterAll(async () => {
    await first?.kill();
    await stores.destroy();
    await fake.stop();
  });

  it('is re-driven by another worker within about 10 s and delivered exactly once', async () => {
    // the first delivery hangs, so the job is active in the first worker when it dies
    fake.script('/held', (n) => (n === 1 ? 'hang' : 200));
    first = WorkerProcess.start({ ...stores.env(), ...WORKER });
    await first.ready();
    const body = { service: 'held', alertType: 'webhook', alertTarget: `${fake.url}/held`, nextIn: 1 };
    expect((await api.request('POST', '/', { body })).status).toBe(200);
    await eventually(async () => expect(fake.on('/held')).toHaveLength(1), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.output}`);
    });
    const [job] = await allJobs(api.queue(QUEUE.alerts), 'down');
    expect(await job.getState()).toBe('active');

    await first.kill();
    const killedAt = Date.now();
    const second = await stores.start({ ROLE: 'worker', ...WORKER });
    await eventually(async () => expect(fake.on('/held')).toHaveLength(2), REDRIVE_WITHIN_MS + 5000);
    expect(Date.now() - killedAt).toBeLessThan(REDRIVE_WITHIN_MS);
    expect(JSON.parse(fake.on('/held')[1].raw)).toMatchObject({ kind: 'down', service: 'held' });

    // the delivery completed the job: nothing is left to send it again
    const queue = second.queue(QUEUE.alerts);
    await eventually(async () => expect(await queue.getJobState(job.id!)).toBe('completed'));
    expect(await allJobs(queue, 'down')).toHaveLength(1);
    expect(fake.on('/held')).toHaveLength(2);
  });
});
