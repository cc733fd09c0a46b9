import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { EmbeddedService } from './embedded-service';
import { serveWireProtocol } from './pglite-wire-server';

/**
 * PostgreSQL (PGlite, in-process WASM) persisted under `<dataDir>/pg`, served on 127.0.0.1 and a free port
 * so `pg` and TypeORM connect to it like to any server. Clients are served one unit of work at a time
 * (see pglite-wire-server.ts): a transaction holds the whole database until it ends.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
  { password }: { password?: string } = {},
): Promise<EmbeddedService> {
  const pgDir = resolve(join(dataDir, 'pg'));
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  // contrib extensions must be handed over at every start, also for a database that has them installed;
  // `CREATE EXTENSION` stays the migrations' job
  const db = await PGlite.create({ dataDir: pgDir, extensions: { pg_trgm } });
  const server = await serveWireProtocol(db, '127.0.0.1', log, { password }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  log(`embedded PostgreSQL (PGlite) listening on 127.0.0.1:${server.port}, data in ${pgDir}`);
  let stopping: Promise<void> | undefined;
  return {
    // without a password the wire server trusts every client, and the credentials are for URL parsers only
    url: `postgres://postgres:${encodeURIComponent(password ?? 'postgres')}@127.0.0.1:${server.port}/postgres`,
    // closing PGlite shuts PostgreSQL down cleanly (checkpoint), so the next start needs no recovery
    stop: async () => (stopping ??= server.close().finally(async () => db.close())),
  };
}
