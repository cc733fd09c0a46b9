import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startPostgresInWorker, type InWorker } from './test/in-worker';

// the column and index kinds our real migrations use, so a PGlite gap shows up here first
class CreateNotes1700000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await q.query(`CREATE TABLE notes (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      body text NOT NULL,
      meta jsonb NOT NULL DEFAULT '{}'
    )`);
    await q.query('CREATE INDEX notes_at ON notes (at)');
    await q.query('CREATE INDEX notes_body_trgm ON notes USING gin (body gin_trgm_ops)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notes');
  }
}

const dataSource = (url: string): DataSource =>
  new DataSource({ type: 'postgres', url, migrations: [CreateNotes1700000000000], logging: false });

describe(startEmbeddedPostgres.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-pg-'));
  let pg: InWorker<{ url: string }> | undefined;

  afterEach(async () => pg?.stop());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs migrations, inserts, searches with ~* and keeps the rows across a restart', async () => {
    pg = await startPostgresInWorker(dir);
    expect(pg.result.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(pg.lines).toEqual([expect.stringContaining(join(dir, 'pg'))]);

    const ds = await dataSource(pg.result.url).initialize();
    await ds.runMigrations();
    const values = Array.from({ length: 100 }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    const params = Array.from({ length: 100 }, (_, i) => [`note ${i} ${i % 10 === 0 ? 'Disk FULL' : 'ok'}`, { i }]);
    await ds.query(`INSERT INTO notes (body, meta) VALUES ${values}`, params.flat());
    const found: Array<{ n: number }> = await ds.query('SELECT count(*)::int AS n FROM notes WHERE body ~* $1', [
      'disk full',
    ]);
    expect(found).toEqual([{ n: 10 }]);
    const plan: Array<{ name: string }> = await ds.query(
      `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'notes' ORDER BY 1`,
    );
    expect(plan.map((row) => row.name)).toEqual(['notes_at', 'notes_body_trgm', 'notes_pkey']);
    await ds.destroy();
    await pg.stop();

    pg = await startPostgresInWorker(dir);
    const again = await dataSource(pg.result.url).initialize();
    // the migration is recorded, so nothing runs twice
    expect(await again.runMigrations()).toEqual([]);
    const rows: Array<{ n: number; last: { i: number } }> = await again.query(
      'SELECT count(*)::int AS n, (array_agg(meta ORDER BY id DESC))[1] AS last FROM notes',
    );
    expect(rows).toEqual([{ n: 100, last: { i: 99 } }]);
    await again.destroy();
  });

  it('answers 20 concurrent queries through a pool of 10', async () => {
    pg = await startPostgresInWorker(mkdtempSync(join(dir, 'pool-')));
    const pool = new Pool({ connectionString: pg.result.url, max: 10 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => (await pool.query('SELECT $1::int * 2 AS v', [i])).rows[0].v),
      );
      expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
      expect(pool.totalCount).toBe(10);
    } finally {
      await pool.end();
    }
  });
});
