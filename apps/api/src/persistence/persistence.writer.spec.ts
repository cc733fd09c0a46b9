import { DataSource } from 'typeorm';
import { createDatabase } from '../../test/stores';
import { passingFailure } from './persistence.writer';

/** The errors node-postgres and TypeORM really raise, from a real PostgreSQL: their words are what is matched. */
describe(passingFailure.name, () => {
  let db: { url: string; drop(): Promise<void> };
  let source: DataSource;

  beforeAll(async () => {
    db = await createDatabase();
    // one connection and a short wait for it, so the test can exhaust the pool
    source = new DataSource({ type: 'postgres', url: db.url, extra: { max: 1, connectionTimeoutMillis: 100 } });
    await source.initialize();
    await source.query('CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)');
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  const failure = async (work: () => Promise<unknown>): Promise<unknown> =>
    work().then(
      () => {
        throw new Error('expected a failure');
      },
      (error: unknown) => error,
    );

  const raised = async (condition: string) =>
    failure(async () => source.query(`DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '${condition}'; END $$`));

  it('counts a connection not had in time as passing', async () => {
    const runner = source.createQueryRunner();
    await runner.connect();
    try {
      const error = await failure(async () => source.query('SELECT 1'));
      expect((error as Error).message).toMatch(/timeout exceeded when trying to connect/);
      expect(passingFailure(error)).toBe(true);
    } finally {
      await runner.release();
    }
  });

  it("counts a deadlock, a server's shutdown and a full disk as passing, by SQLSTATE", async () => {
    const errors = [await raised('deadlock_detected'), await raised('admin_shutdown'), await raised('disk_full')];
    expect(errors.map(passingFailure)).toEqual([true, true, true]);
  });

  it('counts what a batch itself may cause as its own: out of memory, a dropped database', async () => {
    const errors = [await raised('out_of_memory'), await raised('database_dropped')];
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['53200', '57P04']);
    expect(errors.map(passingFailure)).toEqual([false, false]);
  });

  it("counts a row PostgreSQL refuses, a statement's timeout and a bug as the batch's own", async () => {
    await source.query('INSERT INTO t VALUES (1, $1)', ['a']);
    const duplicate = await failure(async () => source.query('INSERT INTO t VALUES (1, $1)', ['b']));
    const missing = await failure(async () => source.query('INSERT INTO t VALUES (2, NULL)'));
    const slow = await failure(async () =>
      source.transaction(async (tx) => {
        await tx.query('SET LOCAL statement_timeout = 10');
        await tx.query('SELECT pg_sleep(1)');
      }),
    );
    expect([duplicate, missing, slow].map((e) => (e as { code: string }).code)).toEqual(['23505', '23502', '57014']);
    expect([duplicate, missing, slow, new TypeError('x is undefined')].map(passingFailure)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('counts a refused or reset socket as passing', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    // five capital letters, like a SQLSTATE
    const pipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const terminated = new Error('Connection terminated unexpectedly');
    expect([refused, pipe, terminated].map(passingFailure)).toEqual([true, true, true]);
  });
});
