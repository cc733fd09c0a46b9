import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs } from './jobs';

describe('POST /event and GET /events (§5.7, §5.8, §7)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  const add = async (body: Record<string, unknown>) => app.request('POST', '/event', { body });
  const list = async (query: string) => (await app.request('GET', `/events?${query}`)).json;

  it('stores and reads back the messages that corrupted the reference exactly', async () => {
    const messages = [
      '"leading quote',
      'semi;colons;everywhere',
      'line\nbreaks\r\nand\ttabs',
      'unicode é ☕ 😀 \u2028',
      'nul \u0000 byte',
      'x'.repeat(65536),
    ];
    for (const message of messages) {
      expect((await add({ service: 'exact', message, level: 1 })).text).toBe('{"result":200}\n');
    }
    const stored = await eventually(async () => {
      const { events } = await list('service=^exact$');
      expect(events).toHaveLength(messages.length);
      return events.map((e: { message: string }) => e.message).reverse();
    });
    // U+0000 cannot live in PostgreSQL text: it becomes U+FFFD (§3.8)
    expect(stored).toEqual(messages.map((m) => m.replace('\u0000', '\ufffd')));
  });

  it('lists events newest first, those of one second in reverse arrival order (§7.1, §7.5)', async () => {
    // posted one after another, fast enough that the worker fetches a job while it completes another: BullMQ then
    // hands the two over in either order, and the writer must still write them in queue order
    const count = 400;
    for (let i = 0; i < count; i += 1) {
      expect((await add({ service: 'arrival', message: String(i), level: 1 })).status).toBe(200);
    }
    const listed = await eventually(async () => {
      const { events } = await list(`service=^arrival$&limit=${count}`);
      expect(events).toHaveLength(count);
      return events.map((e: { message: string }) => Number(e.message));
    });
    expect(listed).toEqual(Array.from({ length: count }, (_, i) => count - 1 - i));
  });

  it('stores the alert flag and raises an event alert to the default target', async () => {
    await add({ service: 'flagged', message: 'disk full', level: 5, alert: true });
    await add({ service: 'flagged', message: 'not an alert', alert: 0 });
    await eventually(async () => {
      const { events } = await list('service=^flagged$');
      expect(events.map((e: { alert: boolean; message: string }) => [e.message, e.alert])).toEqual([
        ['not an alert', false],
        ['disk full', true],
      ]);
    });
    const jobs = await eventually(async () => {
      const found = await allJobs(app.queue(QUEUE.alerts), 'event');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(jobs[0].data).toMatchObject({ kind: 'event', type: 'log', target: '', title: 'flagged', body: 'disk full' });
  });

  it('filters by level at or above, service and message, case-insensitively', async () => {
    await add({ service: 'Filter-One', message: 'Backup run succeeded', level: 2 });
    await add({ service: 'filter-two', message: 'backup RUN failed', level: 7 });
    await eventually(async () => expect((await list('service=^filter-')).events).toHaveLength(2));
    expect((await list('service=^filter-&level=3')).events.map((e: { service: string }) => e.service)).toEqual([
      'filter-two',
    ]);
    expect(
      (await list('service=^filter-&message=run.*succ')).events.map((e: { service: string }) => e.service),
    ).toEqual(['Filter-One']);
    expect((await list('service=FILTER-ONE')).events).toHaveLength(1);
    expect((await list('service=^filter-&level=-5')).events).toHaveLength(2);
  });

  it('applies the default 24 h window, inclusive bounds, and from > to as empty', async () => {
    const now = Math.floor(Date.now() / 1000);
    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert) VALUES
       ('old', to_timestamp($1), 0, 'window', 'two days ago', false), ('recent', to_timestamp($2), 0, 'window', 'an hour ago', false)`,
      [now - 2 * 86400, now - 3600],
    );
    expect((await list('service=^window$')).events.map((e: { message: string }) => e.message)).toEqual(['an hour ago']);
    expect((await list(`service=^window$&from=${now - 3 * 86400}`)).events).toHaveLength(2);
    expect((await list(`service=^window$&from=${now - 3600}.7&to=${now - 3600}`)).events).toHaveLength(1);
    expect((await list(`service=^window$&from=${now}&to=${now - 86400}`)).events).toEqual([]);
    expect((await list(`service=^window$&from=&to=`)).events).toHaveLength(1);
  });

  it('renders humanDates=1 dates in the display zone', async () => {
    const { events } = await list('service=^window$&humanDates=1');
    expect(events[0].date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('answers only after the event is durably queued, with one queue job for concurrent requests', async () => {
    const queue = app.queue(QUEUE.persistence);
    await queue.pause();
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => add({ service: 'burst', message: `m${i}` })),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
      const waiting = await queue.getWaiting();
      const queued = waiting
        .flatMap((job) => job.data.events)
        .filter((e: { service: string }) => e.service === 'burst');
      expect(queued).toHaveLength(50);
      expect(waiting.length).toBeLessThan(50);
    } finally {
      await queue.resume();
    }
    await eventually(async () => expect((await list('service=^burst$')).events).toHaveLength(50));
  });

  it('writes a retried batch once (idempotent uids)', async () => {
    const batch = {
      events: [
        {
          uid: 'fixed-uid',
          date: Math.floor(Date.now() / 1000),
          level: 0,
          service: 'retried',
          message: 'once',
          alert: false,
        },
      ],
      heartbeats: [],
      deletes: [],
      history: [],
    };
    await app.queue(QUEUE.persistence).add('batch', batch);
    await app.queue(QUEUE.persistence).add('batch', batch);
    await eventually(async () => expect((await list('service=^retried$')).events).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await app.sql(`SELECT count(*)::int AS n FROM events WHERE service = 'retried'`)).toEqual([{ n: 1 }]);
  });
});

describe('daily maintenance (§6.7, §7.5)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ EVENTS_RETENTION_DAYS: '30', HEARTBEAT_PURGE_CANCELLED_AFTER_DAYS: '7' });
  });
  afterAll(async () => stores.destroy());

  it('deletes events past retention and heartbeats cancelled for too long, nothing else', async () => {
    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert) VALUES
       ('old', now() - interval '31 days', 0, 'm', 'old', false), ('kept', now() - interval '29 days', 0, 'm', 'kept', false)`,
    );
    const pulse = async (service: string) =>
      app.request('POST', '/heartbeat', { body: { service, alertType: 'log', alertTarget: 'ops', nextIn: 3600 } });
    for (const service of ['stale', 'recent', 'revived', 'alive']) {
      await pulse(service);
    }
    for (const service of ['stale', 'recent', 'revived']) {
      await app.request('DELETE', '/heartbeat', { body: { service } });
    }
    await eventually(async () =>
      expect(await app.sql(`SELECT count(*)::int AS n FROM heartbeats WHERE cancelled`)).toEqual([{ n: 3 }]),
    );
    await app.sql(`UPDATE heartbeats SET updated_at = now() - interval '8 days' WHERE service IN ('stale', 'revived')`);
    await pulse('revived');

    const job = await app.queue(QUEUE.maintenance).add('run', {});
    // the daily scheduler may also have run since the rows were written: check the outcome, not the counts
    await eventually(async () =>
      expect((await app.queue(QUEUE.maintenance).getJob(job.id!))?.returnvalue).toBeTruthy(),
    );
    expect((await app.sql(`SELECT message FROM events WHERE service = 'm'`)).map((r) => r.message)).toEqual(['kept']);
    const listed = (await app.request('GET', '/heartbeats')).json.heartBeats.map((h: { service: string }) => h.service);
    expect(listed).toEqual(['recent', 'revived', 'alive']);
  });
});

describe('POST /event with an idempotency key (issue 8)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  const add = async (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.request('POST', '/event', { body, headers });
  const stored = async (service: string) =>
    app.sql('SELECT message FROM events WHERE service = $1 ORDER BY id', [service]);
  // A 200 means the rows are queued; once the persistence queue is empty every accepted write has landed
  const persisted = async () =>
    eventually(async () =>
      expect(await app.queue(QUEUE.persistence).getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        prioritized: 0,
      }),
    );

  it('stores an event posted twice with the same body id once', async () => {
    for (const message of ['first try', 'retry']) {
      expect((await add({ service: 'idem-body', message, id: 'run-42' })).text).toBe('{"result":200}\n');
    }
    await persisted();
    expect(await stored('idem-body')).toEqual([{ message: 'first try' }]);
  });

  it('stores an event posted twice with the same Idempotency-Key header once', async () => {
    for (const message of ['first try', 'retry']) {
      const res = await add({ service: 'idem-header', message }, { 'idempotency-key': 'run-42' });
      expect(res.text).toBe('{"result":200}\n');
    }
    await persisted();
    expect(await stored('idem-header')).toEqual([{ message: 'first try' }]);
  });

  it('stores events with different ids, or the same id for another service, apart', async () => {
    await add({ service: 'idem-two', message: 'a', id: 'one' });
    await add({ service: 'idem-two', message: 'b', id: 2 });
    await add({ service: 'idem-other', message: 'c', id: 'one' });
    await eventually(async () => expect(await stored('idem-two')).toEqual([{ message: 'a' }, { message: 'b' }]));
    await eventually(async () => expect(await stored('idem-other')).toEqual([{ message: 'c' }]));
  });

  it('lets the body id win over the header', async () => {
    await add({ service: 'idem-both', message: 'body', id: 'from-body' }, { 'idempotency-key': 'from-header' });
    await add({ service: 'idem-both', message: 'same body id' }, { 'idempotency-key': 'from-body' });
    await add({ service: 'idem-both', message: 'header key unused', id: 'other' }, { 'idempotency-key': 'from-body' });
    await add({ service: 'idem-both', message: 'header' }, { 'idempotency-key': 'from-header' });
    await persisted();
    expect(await stored('idem-both')).toEqual([
      { message: 'body' },
      { message: 'header key unused' },
      { message: 'header' },
    ]);
  });

  it('raises one alert for an alert event posted twice with the same id', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await add({ service: 'idem-alert', message: 'disk full', alert: true, id: 'disk-1' });
      expect(res.status).toBe(200);
    }
    // each 200 came after its alert job was added (or recognised): the count is final
    const jobs = (await allJobs(app.queue(QUEUE.alerts), 'event')).filter((job) => job.data.service === 'idem-alert');
    expect(jobs).toHaveLength(1);
    expect(jobs[0].data).toMatchObject({ kind: 'event', title: 'idem-alert', body: 'disk full' });
    await persisted();
    expect(await stored('idem-alert')).toEqual([{ message: 'disk full' }]);
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, string]>([
    ['an empty id', { id: '' }, {}, 'id must be a string of 1 to 255 characters'],
    ['a 256-character id', { id: 'x'.repeat(256) }, {}, 'id must be a string of 1 to 255 characters'],
    ['an object id', { id: { a: 1 } }, {}, 'id must be a string of 1 to 255 characters'],
    ['a boolean id', { id: true }, {}, 'id must be a string of 1 to 255 characters'],
    [
      'a 256-character header',
      {},
      { 'idempotency-key': 'x'.repeat(256) },
      'Idempotency-Key must be 1 to 255 characters',
    ],
    ['an empty header', {}, { 'idempotency-key': '' }, 'Idempotency-Key must be 1 to 255 characters'],
  ])('refuses %s with a 400 and stores nothing', async (_name, body, headers, hint) => {
    const res = await add({ service: 'idem-bad', message: 'm', ...body }, headers);
    expect(res.text).toBe(JSON.stringify({ hint, result: 400 }) + '\n');
    await persisted();
    expect(await stored('idem-bad')).toEqual([]);
  });
});
