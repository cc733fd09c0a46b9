import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDatabase } from '../../../test/stores';
import { ENTITIES } from '../entities';
import { dayPartitionName } from '../repositories/day-partitions';
import { MIGRATIONS } from './index';
import { PartitionEvents1796600000000 } from './1796600000000-PartitionEvents';

const DAY = 86_400;
const sleep = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NOW = Math.floor(Date.now() / 1000);

interface Stored {
  id: string;
  uid: string;
  epoch: number;
  service: string;
  part: string;
}

// The migration runs on a table that already holds rows, as an upgrade meets it: rows of three days, ids with gaps.
describe(PartitionEvents1796600000000.name, () => {
  let db: { url: string; drop(): Promise<void> };
  let source: DataSource;

  const stored = async (): Promise<Stored[]> =>
    source.query(
      `SELECT id::text AS id, uid, extract(epoch FROM date)::int AS epoch, service, tableoid::regclass::text AS part
         FROM events ORDER BY id`,
    );
  const partitions = async (): Promise<string[]> =>
    (
      await source.query<{ name: string }[]>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'events'::regclass ORDER BY 1`,
      )
    ).map((row) => row.name);
  const dayName = (epoch: number) => dayPartitionName('events', Math.floor(epoch / DAY));

  beforeAll(async () => {
    db = await createDatabase();
    source = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS });
    await source.initialize();
    await source.runMigrations();
    await source.undoLastMigration();
    await source.query(
      `INSERT INTO events (id, uid, date, level, service, message, alert) VALUES
         (3, 'u3', to_timestamp($1), 0, 'old', 'a', false),
         (7, 'u7', to_timestamp($2), 1, 'mid', 'b', false),
         (9, 'u9', to_timestamp($3), 2, 'new', 'c', true)`,
      [NOW - 3 * DAY, NOW - DAY, NOW],
    );
    await source.query(`SELECT setval('events_id_seq', 9)`);
    await source.runMigrations();
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  it('moves every row into the partition of its UTC day, ids and dates unchanged', async () => {
    expect(await stored()).toEqual([
      { id: '3', uid: 'u3', epoch: NOW - 3 * DAY, service: 'old', part: dayName(NOW - 3 * DAY) },
      { id: '7', uid: 'u7', epoch: NOW - DAY, service: 'mid', part: dayName(NOW - DAY) },
      { id: '9', uid: 'u9', epoch: NOW, service: 'new', part: dayName(NOW) },
    ]);
    expect(await partitions()).toEqual(
      [dayName(NOW - 3 * DAY), dayName(NOW - DAY), dayName(NOW), 'events_default'].sort(),
    );
  });

  it('goes on numbering after the moved ids, and the service names trigger fires on the parent', async () => {
    await source.query(
      `INSERT INTO events (uid, date, level, service, message, alert) VALUES ('u10', to_timestamp($1), 0, 'later', 'd', false)`,
      [NOW],
    );
    expect((await stored()).map((row) => [row.id, row.service])).toContainEqual(['10', 'later']);
    const names = await source.query<{ name: string }[]>(`SELECT name FROM event_services ORDER BY name`);
    expect(names.map((row) => row.name)).toEqual(['later', 'mid', 'new', 'old']);
  });

  it('keeps a row of a day without a partition in the default one, and moves it when the day is made', async () => {
    const far = NOW - 40 * DAY;
    await source.query(
      `INSERT INTO events (uid, date, level, service, message, alert) VALUES ('far', to_timestamp($1), 0, 'far', 'e', false)`,
      [far],
    );
    expect((await stored()).find((row) => row.uid === 'far')?.part).toBe('events_default');
    await source.query(`SELECT events_add_day((to_timestamp($1) AT TIME ZONE 'UTC')::date)`, [far]);
    // twice is harmless
    await source.query(`SELECT events_add_day((to_timestamp($1) AT TIME ZONE 'UTC')::date)`, [far]);
    expect((await stored()).find((row) => row.uid === 'far')?.part).toBe(dayName(far));
    expect(await source.query(`SELECT count(*)::int AS n FROM events_default`)).toEqual([{ n: 0 }]);
  });

  it('claims the uids of the last day, which UNIQUE (uid) protected until the upgrade', async () => {
    const claims = await source.query<{ uid: string }[]>(`SELECT uid FROM event_keys ORDER BY uid`);
    // u9 is from now; u7, a day old, and u3 are past any retry
    expect(claims.map((row) => row.uid)).toEqual(['u9']);
  });

  it('makes days of 24 UTC hours whatever the session zone, across a daylight saving change', async () => {
    const client = new Client({ connectionString: db.url, options: '-c TimeZone=America/New_York' });
    await client.connect();
    try {
      // New York's clocks went back on 2026-11-01: that local day had 25 hours
      await client.query(`SELECT events_add_day('2026-11-01'), events_add_day('2026-11-02')`);
      const { rows } = await client.query<{ bound: string }>(
        `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c
          WHERE c.relname IN ('events_p20261101', 'events_p20261102') ORDER BY c.relname`,
      );
      await client.query(`SET TimeZone = 'UTC'`);
      const utc = await client.query<{ bound: string }>(
        `SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c
          WHERE c.relname IN ('events_p20261101', 'events_p20261102') ORDER BY c.relname`,
      );
      expect(rows).toHaveLength(2);
      expect(utc.rows.map((row) => row.bound)).toEqual([
        "FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-11-02 00:00:00+00')",
        "FOR VALUES FROM ('2026-11-02 00:00:00+00') TO ('2026-11-03 00:00:00+00')",
      ]);
    } finally {
      await client.end();
    }
  });

  it('lets two writers meet a new day: the second waits for the first and finds the partition', async () => {
    const [first, second] = [new Client({ connectionString: db.url }), new Client({ connectionString: db.url })];
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query('BEGIN');
      await first.query(`SELECT events_add_day('2030-01-01')`);
      const [{ pid }] = (await second.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      const waiting = second.query(`SELECT events_add_day('2030-01-01')`);
      // the second is blocked on the first's table lock until it commits
      for (;;) {
        const { rows } = await first.query<{ wait: string | null }>(
          `SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1`,
          [pid],
        );
        if (rows[0]?.wait === 'Lock') {
          break;
        }
        await sleep(20);
      }
      await first.query('COMMIT');
      await expect(waiting).resolves.toBeDefined();
      expect(await partitions()).toContain('events_p20300101');
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('refuses a uid twice on one date, allows it on another (the key table dedupes those)', async () => {
    const insert = async (uid: string, epoch: number) =>
      source.query(
        `INSERT INTO events (uid, date, level, service, message, alert) VALUES ($1, to_timestamp($2), 0, 's', 'm', false)
         ON CONFLICT (uid, date) DO NOTHING RETURNING id`,
        [uid, epoch],
      );
    expect(await insert('twice', NOW)).toHaveLength(1);
    expect(await insert('twice', NOW)).toHaveLength(0);
    expect(await insert('twice', NOW + 1)).toHaveLength(1);
  });

  it('goes back down to one table with the rows, one per uid', async () => {
    await source.undoLastMigration();
    const rows = await source.query<{ uid: string; n: number }[]>(
      `SELECT uid, count(*)::int AS n FROM events GROUP BY uid ORDER BY uid`,
    );
    expect(rows).toEqual(['far', 'twice', 'u10', 'u3', 'u7', 'u9'].map((uid) => ({ uid, n: 1 })));
    expect(await source.query(`SELECT relkind::text AS kind FROM pg_class WHERE relname = 'events'`)).toEqual([
      { kind: 'r' },
    ]);
    await source.runMigrations();
    expect((await stored()).map((row) => row.uid).sort()).toEqual(rows.map((row) => row.uid));
  });
});
