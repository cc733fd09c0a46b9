import { EVENTS_INDEX_SCANS } from './events-index-scans';
import { eventually, TestApp, TestStores } from './app';

// The bounds on event listings and searches: the page's byte budget, the widest regex window, the indexed
// exact-name search.

describe('GET /events byte budget (issue 10)', () => {
  const MESSAGE_CHARS = 65536;
  const COUNT = 160; // 160 x 64 KiB = 10 MiB, past the default 8 MiB budget
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
  });
  afterAll(async () => stores.destroy());

  it('ends a page of 64 KiB messages at 8 MiB with `next`, and the pages together hold every event once', async () => {
    for (let i = 0; i < COUNT; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const message = `${String(i + j).padStart(4, '0')}${'x'.repeat(MESSAGE_CHARS - 4)}`;
          const res = await app.request('POST', '/add-event', { body: { service: 'big', message } });
          expect(res.status).toBe(200);
        }),
      );
    }
    await eventually(async () => expect(await app.sql('SELECT id FROM events')).toHaveLength(COUNT), 20_000);

    const seen: string[] = [];
    const sizes: number[] = [];
    let path = '/events?limit=10000&service=big';
    for (;;) {
      const res = await app.request('GET', path);
      expect(res.status).toBe(200);
      sizes.push(res.text.length);
      seen.push(...res.json.events.map((e: { message: string }) => e.message.slice(0, 4)));
      if (res.json.next === undefined) {
        break;
      }
      path = `/events?limit=10000&service=big&cursor=${res.json.next}`;
    }
    expect(sizes.length).toBe(2);
    // a page holds what fits in 8 MiB (each row counts its text plus 64 bytes), never more
    expect(sizes[0]).toBeLessThanOrEqual(8 * 1024 * 1024 + 2 * 1024);
    expect(sizes[0]).toBeGreaterThan(8 * 1024 * 1024 - MESSAGE_CHARS - 1024);
    expect(new Set(seen).size).toBe(COUNT);
    expect(seen).toHaveLength(COUNT);
  });

  it('refuses a budget below 64 KiB at boot', async () => {
    await expect(stores.start({ EVENTS_PAGE_MAX_BYTES: '1000' })).rejects.toThrow(/EVENTS_PAGE_MAX_BYTES/);
  });
});

describe('SEARCH_MAX_WINDOW_SECONDS (issue 10: PGlite cannot time a regex scan out)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ SEARCH_MAX_WINDOW_SECONDS: '3600' });
    expect((await app.request('POST', '/add-event', { body: { service: 'win', message: 'inside' } })).status).toBe(200);
    await eventually(async () => expect(await app.eventsOf('win')).toHaveLength(1));
  });
  afterAll(async () => stores.destroy());

  it.each(['service=win', 'message=inside', 'service=win&from=0', 'message=x&from=0&to=3601'])(
    'refuses a filter over a wider window: %s',
    async (query) => {
      const res = await app.request('GET', `/events?${query}`);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        hint: 'service and message filters search at most 3600 seconds here: narrow from and to',
        result: 400,
      });
    },
  );

  it('answers filters within the window, and unfiltered listings over any window', async () => {
    const now = Math.floor(Date.now() / 1000);
    const within = await app.request('GET', `/events?service=win&from=${now - 3000}&to=${now + 600}`);
    expect(within.status).toBe(200);
    expect(within.json.events.map((e: { message: string }) => e.message)).toEqual(['inside']);
    const unfiltered = await app.request('GET', '/events?from=0');
    expect(unfiltered.status).toBe(200);
    expect(unfiltered.json.events).toHaveLength(1);
  });
});

describe('service=^name$ is an indexed equality (issue 12)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
    // 20,000 events of 200 services, one of them spelled in capitals
    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert)
       SELECT 'seed-' || g, now() - make_interval(secs => g), 0,
              CASE WHEN g % 200 = 7 AND g % 400 = 7 THEN 'SVC-7' ELSE 'svc-' || (g % 200) END, 'm' || g, false
       FROM generate_series(1, 20000) g`,
    );
    await app.sql('ANALYZE events');
  });
  afterAll(async () => stores.destroy());

  const scans = async (): Promise<number> => Number((await app.sql<{ n: string }>(EVENTS_INDEX_SCANS))[0].n);

  it('reads one service newest first through lower(service), case-insensitively as the regex did', async () => {
    const before = await scans();
    const res = await app.request('GET', '/events?service=^svc-7$&from=0&limit=4');
    expect(res.status).toBe(200);
    expect(res.json.events.map((e: { service: string; message: string }) => [e.service, e.message])).toEqual([
      ['SVC-7', 'm7'],
      ['svc-7', 'm207'],
      ['SVC-7', 'm407'],
      ['svc-7', 'm607'],
    ]);
    expect(res.json.next).toEqual(expect.any(String));
    // an idle backend flushes its statistics to pg_stat_user_indexes within 10 s (PostgreSQL 15)
    await eventually(async () => expect(await scans()).toBeGreaterThan(before), 15_000);
    // the regex spelling of the same filter answers the same rows
    const regex = await app.request('GET', '/events?service=^svc-(7)$&from=0&limit=4');
    expect(regex.json.events).toEqual(res.json.events);
  });
});
