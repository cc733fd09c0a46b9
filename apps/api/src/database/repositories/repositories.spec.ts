import { DataSource } from 'typeorm';
import { createDatabase } from '../../../test/stores';
import { ENTITIES, Event, Heartbeat, HeartbeatHistory, PingState } from '../entities';
import { MIGRATIONS } from '../migrations';
import { EventsRepository } from './events.repository';
import { HeartbeatHistoryRepository } from './heartbeat-history.repository';
import { HeartbeatRow, HeartbeatsRepository } from './heartbeats.repository';
import { PingStatesRepository } from './ping-states.repository';

// Each repository against a real, migrated PostgreSQL: a mocked one never meets a bad migration.
describe('repositories', () => {
  let db: { url: string; drop(): Promise<void> };
  let source: DataSource;
  let events: EventsRepository;
  let heartbeats: HeartbeatsRepository;
  let history: HeartbeatHistoryRepository;
  let pings: PingStatesRepository;

  beforeAll(async () => {
    db = await createDatabase();
    source = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS });
    await source.initialize();
    await source.runMigrations();
    events = new EventsRepository(source.getRepository(Event));
    heartbeats = new HeartbeatsRepository(source.getRepository(Heartbeat));
    history = new HeartbeatHistoryRepository(source.getRepository(HeartbeatHistory));
    pings = new PingStatesRepository(source.getRepository(PingState));
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  const event = (uid: string, date: number, service = 's', level = 0) => ({
    uid,
    date,
    level,
    service,
    message: `m-${uid}`,
    alert: false,
  });

  describe(EventsRepository.name, () => {
    const MB = 1 << 20;
    const DAY = 86_400;
    beforeAll(async () => {
      await events.insert([event('a', 100), event('b', 200, 's', 5), event('c', 200, 'other'), event('d', 300)]);
      // a retried batch changes nothing, inside a caller's transaction too
      await source.transaction(async (tx) => events.insert([event('a', 999)], tx));
    });

    it('lists limit + 1 rows newest first, filtered, and pages by (date, id)', async () => {
      const first = await events.list({ maxBytes: MB, from: 0, to: 1000, limit: 2 });
      expect(first.map((e) => e.message)).toEqual(['m-d', 'm-c', 'm-b']);
      expect(first[0]).toEqual({
        id: '4',
        date: 300,
        level: 0,
        service: 's',
        message: 'm-d',
        alert: false,
        runningBytes: 64 + 1 + 3,
      });
      const next = await events.list({
        maxBytes: MB,
        from: 0,
        to: 1000,
        limit: 2,
        cursor: { date: 200, id: first[1].id },
      });
      expect(next.map((e) => e.message)).toEqual(['m-b', 'm-a']);
      const filtered = await events.list({
        maxBytes: MB,
        from: 100,
        to: 200,
        level: 1,
        servicePattern: '^s$',
        limit: 10,
      });
      expect(filtered.map((e) => e.message)).toEqual(['m-b']);
      expect(await events.list({ maxBytes: MB, from: 0, to: 1000, messagePattern: 'M-C', limit: 10 })).toHaveLength(1);
    });

    it('stops a page inside PostgreSQL once its bytes are used up, keeping one row past them', async () => {
      // rows of 68 bytes (64 + service "s" + "m-x"; "other" makes 72): the third starts at 140 < 150, the fourth at 208
      const cut = await events.list({ maxBytes: 150, from: 0, to: 1000, limit: 10 });
      expect(cut.map((e) => e.message)).toEqual(['m-d', 'm-c', 'm-b']);
      expect(cut.map((e) => e.runningBytes)).toEqual([68, 140, 208]);
      // the first row comes back whatever its size, so a page is never empty
      expect((await events.list({ maxBytes: 1, from: 0, to: 1000, limit: 10 })).map((e) => e.message)).toEqual(['m-d']);
    });

    it('reads the latest events of one service', async () => {
      expect(await events.recent('s', 2)).toEqual([
        { date: 300, level: 0, message: 'm-d' },
        { date: 200, level: 5, message: 'm-b' },
      ]);
    });

    it('answers reads of one turn from one statement, each with its own service, count and case', async () => {
      // dated past the listings' window (to: 1000), so the other tests' rows stay as they expect
      await events.insert([
        event('r1', 2001, 'Ctx'),
        event('r2', 2002, 'ctx', 2),
        event('r3', 2003, 'ctx'),
        event('r4', 2004, 'other-ctx'),
      ]);
      // calls through: only counts the statements
      const spy = jest.spyOn(source.manager, 'query');
      try {
        const [lower, upper, one, none] = await Promise.all([
          events.recent('ctx', 5),
          events.recent('Ctx', 5),
          events.recent('other-ctx', 1),
          events.recent('nobody', 5),
        ]);
        expect(lower).toEqual([
          { date: 2003, level: 0, message: 'm-r3' },
          { date: 2002, level: 2, message: 'm-r2' },
        ]);
        expect(upper).toEqual([{ date: 2001, level: 0, message: 'm-r1' }]);
        expect(one).toEqual([{ date: 2004, level: 0, message: 'm-r4' }]);
        expect(none).toEqual([]);
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
    });

    it('stores a keyed uid once whatever its dates, an unkeyed one once per date', async () => {
      const day = 5 * DAY;
      await events.insert([
        { ...event('k1', day + 1), keyed: true },
        { ...event('k1', day + 2), keyed: true },
        { ...event('f1', day + 1), keyed: false },
      ]);
      // the retries: a keyed fact raised again on a later date, an unkeyed batch repeated, then on another date
      await events.insert([{ ...event('k1', day + 9), keyed: true }]);
      await events.insert([{ ...event('f1', day + 1), keyed: false }]);
      await events.insert([{ ...event('f1', day + 3), keyed: false }]);
      const rows = await source.query<{ uid: string; epoch: number; part: string }[]>(
        `SELECT uid, extract(epoch FROM date)::int AS epoch, tableoid::regclass::text AS part
           FROM events WHERE uid IN ('k1', 'f1') ORDER BY uid DESC, date`,
      );
      expect(rows).toEqual([
        { uid: 'k1', epoch: day + 1, part: 'events_p19700106' },
        { uid: 'f1', epoch: day + 1, part: 'events_p19700106' },
        { uid: 'f1', epoch: day + 3, part: 'events_p19700106' },
      ]);
      expect(await source.query(`SELECT uid FROM event_keys WHERE uid = 'k1'`)).toEqual([{ uid: 'k1' }]);
    });

    it('drops whole days past the cutoff, and the older rows and claims outside day partitions', async () => {
      // a row of a day without a partition (written around the repository) lands in events_default
      await source.query(
        `INSERT INTO events (uid, date, level, service, message, alert) VALUES ('stray', to_timestamp($1), 0, 's', 'x', false)`,
        [DAY + 5],
      );
      const cutoff = new Date(2 * DAY * 1000);
      expect(await events.dropOlderThan(cutoff)).toEqual({ days: ['events_p19700101'], rows: 1 });
      expect((await events.list({ maxBytes: MB, from: 0, to: 10 * DAY, limit: 10 })).map((e) => e.message)).toEqual([
        'm-f1',
        'm-f1',
        'm-k1',
      ]);
      expect(await source.query(`SELECT uid FROM event_keys WHERE date < $1`, [cutoff])).toEqual([]);
      // a day dropped and written again gets its partition back
      await events.insert([{ ...event('again', 10), keyed: false }]);
      expect(await source.query(`SELECT tableoid::regclass::text AS part FROM events WHERE uid = 'again'`)).toEqual([
        { part: 'events_p19700101' },
      ]);
    });
  });

  describe(HeartbeatsRepository.name, () => {
    const row = (service: string, version: number, overrides: Partial<HeartbeatRow> = {}): HeartbeatRow => ({
      service,
      alertType: 'log',
      alertTarget: 'ops',
      nextIn: 60,
      repeatEvery: null,
      last: 1795300524,
      expected: 1795300584,
      alerted: false,
      cancelled: false,
      deadAt: null,
      position: 1,
      version,
      ...overrides,
    });

    it('keeps the newest version of each record and reads them back as rows', async () => {
      await heartbeats.upsert([row('x', 2, { nextIn: 120 }), row('x', 1), row('y', 1, { repeatEvery: 60, deadAt: 5 })]);
      await heartbeats.upsert([row('x', 1, { nextIn: 30 })]);
      const all = await heartbeats.all();
      expect(all.sort((p, q) => p.service.localeCompare(q.service))).toEqual([
        row('x', 2, { nextIn: 120 }),
        row('y', 1, { repeatEvery: 60, deadAt: 5 }),
      ]);
    });

    it('deletes only rows older than the removing transition', async () => {
      await heartbeats.delete([
        { service: 'x', version: 2 },
        { service: 'y', version: 2 },
      ]);
      expect((await heartbeats.all()).map((r) => r.service)).toEqual(['x']);
    });

    it('copies raw live records (optional fields absent, a service twice) and deletes in one call', async () => {
      await heartbeats.upsert([row('live', 1), row('doomed', 1)]);
      // the live record's JSON as Redis holds it: no repeatEvery or deadAt key; a re-driven claim may name a
      // service twice, and the newest version wins
      const live = (version: number, nextIn: number): string =>
        JSON.stringify({ ...row('live', version, { nextIn }), repeatEvery: undefined, deadAt: undefined });
      const mine = async (): Promise<HeartbeatRow[]> =>
        (await heartbeats.all()).filter((r) => ['live', 'doomed'].includes(r.service));
      await heartbeats.copy([live(3, 90), live(2, 45)], [{ service: 'doomed', version: 2 }]);
      expect(await mine()).toEqual([row('live', 3, { nextIn: 90 })]);
      await heartbeats.copy([live(2, 45)], []);
      expect(await mine()).toEqual([row('live', 3, { nextIn: 90 })]);
    });

    it('lists the services cancelled before a cutoff', async () => {
      await heartbeats.upsert([row('gone', 1, { cancelled: true }), row('kept', 1)]);
      expect(await heartbeats.cancelledBefore(new Date(Date.now() + 60_000))).toEqual(['gone']);
      expect(await heartbeats.cancelledBefore(new Date(Date.now() - 60_000))).toEqual([]);
    });
  });

  it(`${HeartbeatHistoryRepository.name} writes each transition once`, async () => {
    const transition = { uid: 'h1', service: 'x', action: 'pulse' as const, at: 1, nextIn: 60, expected: 61 };
    await history.insert([transition, { ...transition, uid: 'h2', action: 'cancel' }]);
    await history.insert([transition]);
    expect(await source.getRepository(HeartbeatHistory).count()).toBe(2);
  });

  it(`${PingStatesRepository.name} creates a state once and saves its changes`, async () => {
    await pings.ensure('site', new Date(1000_000));
    await pings.ensure('site', new Date(2000_000));
    const state = await pings.get('site');
    expect(state).toMatchObject({
      service: 'site',
      lastPing: null,
      lastPingSuccess: new Date(1000_000),
      alerted: false,
    });
    await pings.save({ ...state!, alerted: true });
    expect((await pings.all()).map((s) => [s.service, s.alerted])).toEqual([['site', true]]);
    expect(await pings.get('nowhere')).toBeNull();
  });
});
