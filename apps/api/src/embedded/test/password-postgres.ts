import { startEmbeddedPostgres } from '../embedded-postgres';
import type { EmbeddedService } from '../embedded-service';

/** startInWorker passes one argument: the embedded PostgreSQL with a password, for the auth specs. */
export async function startPasswordPostgres(
  { dataDir, password }: { dataDir: string; password: string },
  log: (line: string) => void,
): Promise<EmbeddedService> {
  return startEmbeddedPostgres(dataDir, log, { password });
}
