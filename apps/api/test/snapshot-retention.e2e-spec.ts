import { randomUUID } from 'node:crypto';
import { QUEUE } from '../src/common/queues';
import { SnapshotsRepository } from '../src/database/repositories';
import { eventually, TestApp, TestStores } from './app';
import { example, LOOPBACK } from './ingest-fixtures';

const DAY_MS = 86_400_000;

describe('snapshot retention (SNAPSHOT_RETENTION_DAYS)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ ...LOOPBACK, SNAPSHOT_RETENTION_DAYS: '30' });
  });
  afterAll(async () => stores.destroy());

  it('drops the day partitions past retention with their rows, and keeps the recent ones', async () => {
    // the scheduler may run once at boot: let that run finish, so it cannot drop the rows under the test
    const maintenance = app.queue(QUEUE.maintenance);
    await eventually(async () => {
      const counts = await maintenance.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
      expect(counts).toMatchObject({ waiting: 0, active: 0, prioritized: 0 });
      expect(counts.delayed).toBeGreaterThanOrEqual(1);
    });
    const snapshots = app.app.get(SnapshotsRepository);
    const row = (micros: number) => ({
      hostId: randomUUID(),
      micros,
      cpuPct: 1,
      memUsedBytes: null,
      memTotalBytes: null,
      load1: null,
      load5: null,
      load15: null,
      diskUsedPct: null,
      data: example().snapshots[0],
    });
    const oldMs = Date.now() - 40 * DAY_MS;
    await snapshots.insert([row(oldMs * 1000), row(Date.now() * 1000)]);
    const day = (ms: number) => `snapshots_p${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`;
    const partitions = async () =>
      (
        await app.sql(
          `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'snapshots'::regclass ORDER BY 1`,
        )
      ).map((r) => r.name);
    expect(await partitions()).toEqual([day(oldMs), day(Date.now())]);

    const job = await maintenance.add('run', {});
    const result = await eventually(async () => {
      const done = (await maintenance.getJob(job.id!))?.returnvalue;
      expect(done).toBeTruthy();
      return done;
    }, 15_000);
    expect(result.partitions).toEqual([day(oldMs)]);
    expect(await partitions()).toEqual([day(Date.now())]);
    expect(await app.sql(`SELECT to_regclass($1) AS name`, [day(oldMs)])).toEqual([{ name: null }]);
    expect(await app.sql(`SELECT count(*)::int AS n FROM snapshots`)).toEqual([{ n: 1 }]);
    // the scheduler runs although events retention and the heartbeat purge are both off
    expect(await maintenance.getJobSchedulers()).toHaveLength(1);
  });
});
