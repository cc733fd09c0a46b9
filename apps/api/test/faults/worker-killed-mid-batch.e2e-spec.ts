import { Client } from 'pg';
import { eventually, QUEUE, TestApp, TestStores } from '../app';
import { PERSISTENCE_IN_FLIGHT } from '../../src/persistence/persistence.processor';
import { WorkerProcess } from './worker-process';

const EVENTS = 3000;
/** Lock (5 s) plus stalled check (5 s) plus slack; BullMQ's defaults need 30-60 s. */
const REDRIVE_WITHIN_MS = 20_000;

// issue 10 Faults: a worker killed mid-batch; the batch is retried and written exactly once.
describe('a worker killed while writing a batch', () => {
  let stores: TestStores;
  let api: TestApp;
  let first: WorkerProcess | undefined;
  let locker: Client;

  beforeAll(async () => {
    stores = await TestStores.create();
    api = await stores.start({ ROLE: 'api' });
    locker = new Client({ connectionString: stores.databaseUrl });
    await locker.connect();
  });
  afterAll(async () => {
    await first?.kill();
    await locker.end().catch(() => undefined);
    await stores.destroy();
  });

  const count = async (): Promise<{ rows: number; distinct: number }> => {
    const [row] = await api.sql<{ rows: number; distinct: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT message)::int AS distinct FROM events WHERE service = 'mid'`,
    );
    return row;
  };

  it('is written once by the next worker, every accepted event exactly once', async () => {
    // PostgreSQL writes to events block until the test lets them through: the worker stops mid-batch
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE events IN EXCLUSIVE MODE');

    let accepted = 0;
    for (let from = 0; from < EVENTS; from += 100) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) =>
          api.request('POST', '/add-event', { body: { service: 'mid', message: `m${from + i}`, level: 1 } }),
        ),
      );
      accepted += answers.filter((res) => res.status === 200).length;
    }
    expect(accepted).toBe(EVENTS);

    first = WorkerProcess.start({ ...stores.env(), HEARTBEAT_STARTUP_GRACE_SECONDS: '0' });
    await first.ready();
    // the worker's transaction waits on the lock with its batch's INSERT sent
    await eventually(async () => {
      const [{ n }] = await api.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'events'::regclass`,
      );
      expect(n).toBeGreaterThan(0);
    }, 30_000);
    // the worker holds up to PERSISTENCE_IN_FLIGHT jobs, merged into the one waiting write
    const active = await api.queue(QUEUE.persistence).getActiveCount();
    expect(active).toBeGreaterThanOrEqual(1);
    expect(active).toBeLessThanOrEqual(PERSISTENCE_IN_FLIGHT);

    await first.kill();
    const killedAt = Date.now();
    await locker.query('COMMIT');
    await stores.start({ ROLE: 'worker', HEARTBEAT_STARTUP_GRACE_SECONDS: '0' });

    await eventually(async () => expect((await count()).rows).toBe(EVENTS), REDRIVE_WITHIN_MS + 10_000);
    expect(Date.now() - killedAt).toBeLessThan(REDRIVE_WITHIN_MS);
    // the queue is drained: no job is left to write anything again. An events-only batch is one statement without
    // BEGIN/COMMIT, so the killed worker's INSERT may land by itself once the lock goes (ON CONFLICT makes it
    // harmless); its job is still re-driven by the stalled check, which takes up to the re-drive delay
    await eventually(
      async () =>
        expect(await api.queue(QUEUE.persistence).getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({
          waiting: 0,
          active: 0,
          delayed: 0,
          failed: 0,
        }),
      REDRIVE_WITHIN_MS + 10_000,
    );
    expect(await count()).toEqual({ rows: EVENTS, distinct: EVENTS });
  });
});
