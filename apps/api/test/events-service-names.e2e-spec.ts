import { EVENTS_INDEX_SCANS } from './events-index-scans';
import { eventually, TestApp, TestStores } from './app';

// A `service` regex or literal is first matched against the distinct names of `event_services` (kept by a trigger
// on `events`), then the rows are read through the lower(service) index (issue 12). The answers must be exactly
// those of the regex over every row (§7.4: case-insensitive, unanchored).
describe('GET /events?service= through the distinct service names', () => {
  // '\u212aafka' starts with the Kelvin sign: lower() makes it 'kafka', yet 'kafka' does not match it under ~*
  const SERVICES = ['svc-1', 'svc-10', 'SVC-2', 'Svc-1', 'other', 'db-svc-1x', 'kafka', '\u212aafka'];
  let stores: TestStores;
  let app: TestApp;

  const servicesOf = async (pattern: string): Promise<string[]> => {
    const res = await app.request('GET', `/events?limit=1000&service=${encodeURIComponent(pattern)}`);
    expect(res.status).toBe(200);
    return [...new Set<string>(res.json.events.map((e: { service: string }) => e.service))].sort();
  };
  const expected = (pattern: string): string[] =>
    [...new Set(SERVICES.filter((s) => new RegExp(pattern, 'i').test(s)))].sort();

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
    for (const service of SERVICES) {
      expect((await app.request('POST', '/add-event', { body: { service, message: `from ${service}` } })).status).toBe(
        200,
      );
    }
    await eventually(async () => expect(await app.sql('SELECT id FROM events')).toHaveLength(SERVICES.length));
  });
  afterAll(async () => stores.destroy());

  it('keeps each distinct name once, whatever way the rows arrived', async () => {
    const names = await app.sql<{ name: string }>('SELECT name FROM event_services ORDER BY name');
    expect(names.map((row) => row.name)).toEqual([...SERVICES].sort());
    // a bulk insert outside the writer (as a COPY would) is indexed too
    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert)
       SELECT 'bulk-' || i, now(), 0, 'bulk-' || chr(97 + i % 3), 'bulk', false FROM generate_series(1, 30) AS i`,
    );
    const after = await app.sql<{ name: string }>(`SELECT name FROM event_services WHERE name LIKE 'bulk-%'`);
    expect(after.map((row) => row.name).sort()).toEqual(['bulk-a', 'bulk-b', 'bulk-c']);
  });

  it.each([
    'svc-1',
    'SVC',
    '^svc-1',
    'svc-1$',
    '^(svc|db)-',
    'x$',
    '1',
    'nothing-matches',
    'kafka',
    'afka$',
    '^kafka$',
  ])('answers %s exactly as the regex over every row would', async (pattern) => {
    expect(await servicesOf(pattern)).toEqual(expected(pattern));
  });

  it('uses the lower(service) index for a literal, and still answers a pattern matching over 1,000 names', async () => {
    const used = async (): Promise<number> => Number((await app.sql<{ n: string }>(EVENTS_INDEX_SCANS))[0].n);
    // enough rows of other services that reading the few matching ones by index beats a scan of the window
    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert)
       SELECT 'load-' || i, now() - interval '1 minute', 0, 'load-' || (i % 500), 'load', false FROM generate_series(1, 50000) AS i`,
    );
    await app.sql('ANALYZE events');
    const before = await used();
    expect(await servicesOf('svc-1')).toEqual(expected('svc-1'));
    // a backend reports its index counters when idle, up to 10 s later
    await eventually(async () => expect(await used()).toBeGreaterThan(before), 20_000);

    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert)
       SELECT 'many-' || i, now() - interval '1 minute', 0, 'many-' || i, 'many', false FROM generate_series(1, 1001) AS i`,
    );
    // dated a minute ago: the listing's window ends at the current whole second
    const res = await app.request('GET', `/events?limit=2000&service=${encodeURIComponent('^many-')}`);
    expect(res.status).toBe(200);
    expect(res.json.events).toHaveLength(1001);
  }, 30_000);
});
