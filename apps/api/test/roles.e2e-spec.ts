import { Clock } from '../src/common/clock';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs } from './jobs';
import { FakeProviders } from './providers';

// ROLE=api serves HTTP and only enqueues; ROLE=worker runs the processors, the sweeper and the schedulers.
describe('process roles', () => {
  let fake: FakeProviders;

  beforeAll(async () => {
    fake = await FakeProviders.start();
  });
  afterAll(async () => fake.stop());

  describe('one api process plus one worker process on the same stores', () => {
    let stores: TestStores;
    let api: TestApp;
    let worker: TestApp;

    beforeAll(async () => {
      stores = await TestStores.create();
      api = await stores.start({ ROLE: 'api' });
      worker = await stores.start({ ROLE: 'worker' });
    });
    afterAll(async () => stores.destroy());

    it('stores events posted to the api, written by the worker', async () => {
      const res = await api.request('POST', '/add-event', { body: { service: 'split', message: 'hello', level: 3 } });
      expect(res.text).toBe('{"result":200}\n');
      await eventually(async () => expect(await api.eventsOf('split')).toEqual([{ message: 'hello', level: 3 }]));
    });

    it('detects a death in the worker and delivers its alert, then the recovery', async () => {
      const body = { service: 'split-hb', alertType: 'webhook', alertTarget: `${fake.url}/split`, nextIn: 1 };
      expect((await api.request('POST', '/', { body })).status).toBe(200);
      await eventually(async () => expect(fake.on('/split')).toHaveLength(1), 6000);
      expect(JSON.parse(fake.on('/split')[0].raw)).toMatchObject({ kind: 'down', service: 'split-hb' });
      expect((await api.request('GET', '/heartbeat/split-hb')).json.heartBeat.alerted).toBe(true);
      await eventually(async () =>
        expect((await api.eventsOf('split-hb')).map((e) => e.message)).toEqual([
          expect.stringMatching(/^Service split-hb has not pulsed - The service split-hb is not pulsing since/),
        ]),
      );

      expect((await api.request('POST', '/', { body: { ...body, nextIn: 3600 } })).status).toBe(200);
      await eventually(async () => expect(fake.on('/split')).toHaveLength(2), 6000);
      expect(JSON.parse(fake.on('/split')[1].raw)).toMatchObject({ kind: 'up', service: 'split-hb' });
    });

    it('sends reminders on the worker clock: moving it forward replaces a minute of waiting', async () => {
      const body = { service: 'split-remind', alertType: 'webhook', alertTarget: `${fake.url}/remind`, nextIn: 1 };
      expect((await api.request('POST', '/', { body: { ...body, repeatEvery: 60 } })).status).toBe(200);
      await eventually(async () => expect(fake.on('/remind')).toHaveLength(1), 6000);
      const clock = worker.app.get(Clock);
      clock.nowMs = () => Date.now() + 61_000;
      try {
        await eventually(async () => expect(fake.on('/remind')).toHaveLength(2), 6000);
      } finally {
        clock.nowMs = () => Date.now();
      }
      const reminder = JSON.parse(fake.on('/remind')[1].raw);
      expect(reminder).toMatchObject({ kind: 'down', title: 'Service split-remind has not pulsed' });
      expect(reminder.context.lateBySeconds).toBeGreaterThanOrEqual(60);
    });
  });

  describe('an api process alone', () => {
    let stores: TestStores;
    let api: TestApp;

    beforeAll(async () => {
      stores = await TestStores.create();
      api = await stores.start({ ROLE: 'api' });
    });
    afterAll(async () => stores.destroy());

    it('never consumes a job: its work waits in the queues until a worker starts', async () => {
      expect((await api.request('POST', '/event', { body: { service: 'alone', message: 'queued' } })).status).toBe(200);
      const body = { service: 'alone-hb', alertType: 'log', alertTarget: 'ops', nextIn: 1 };
      expect((await api.request('POST', '/', { body })).status).toBe(200);

      const persistence = api.queue(QUEUE.persistence);
      await eventually(async () => expect(await persistence.getWaitingCount()).toBeGreaterThanOrEqual(1));
      for (const name of Object.values(QUEUE)) {
        expect([name, await api.queue(name).getWorkers()]).toEqual([name, []]);
      }
      expect(await api.eventsOf('alone')).toEqual([]);

      // the same jobs are consumed as soon as a worker joins, and the overdue service dies there
      await stores.start({ ROLE: 'worker', HEARTBEAT_STARTUP_GRACE_SECONDS: '0' });
      await eventually(async () => expect(await api.eventsOf('alone')).toEqual([{ message: 'queued', level: 0 }]));
      await eventually(
        async () => expect((await api.request('GET', '/heartbeat/alone-hb')).json.heartBeat.alerted).toBe(true),
        6000,
      );
      await eventually(async () => expect(await allJobs(api.queue(QUEUE.alerts), 'down')).toHaveLength(1));
    });
  });
});
