import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { lockDataDir } from './data-dir-lock';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { EmbeddedService } from './embedded-service';
import { loadOrCreatePassword, passwordFile } from './generated-password';
import { startPrivateRedis } from './private-redis';

export interface QuickStart {
  /** A copy of the raw environment with the missing pieces filled in; the raw one is never changed. */
  env: NodeJS.ProcessEnv;
  /** Stops what was started here; call it after the app has closed (its queues still need Redis). */
  stop(): Promise<void>;
}

const unset = (value: string | undefined): boolean => value === undefined || value === '';

/**
 * The zero-configuration start (watchtower-protocol.md §3.4, §11): each of WATCHTOWER_PASSWORD, REDIS_URL and
 * DATABASE_URL left empty is filled from `DATA_DIR` (default `./data`). With NODE_ENV=production nothing is
 * filled in, so validateEnv() refuses to boot and names the missing variable.
 */
export async function prepareQuickStart(raw: NodeJS.ProcessEnv, log: (line: string) => void): Promise<QuickStart> {
  const env = { ...raw };
  const started: EmbeddedService[] = [];
  let unlock = (): void => undefined;
  const stop = async (): Promise<void> => {
    const results = await Promise.allSettled(started.splice(0).map(async (service) => service.stop()));
    unlock();
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      throw failed.reason;
    }
  };
  if (raw.NODE_ENV === 'production') {
    return { env, stop };
  }
  const dataDir = resolve(unset(raw.DATA_DIR) ? 'data' : (raw.DATA_DIR as string));

  if (unset(raw.WATCHTOWER_PASSWORD)) {
    const { password, created } = loadOrCreatePassword(dataDir);
    env.WATCHTOWER_PASSWORD = password;
    log(
      created
        ? `WATCHTOWER_PASSWORD was not set: generated ${password}, stored in ${passwordFile(dataDir)}`
        : `WATCHTOWER_PASSWORD was not set: using the one stored in ${passwordFile(dataDir)}`,
    );
  }
  if (!unset(raw.REDIS_URL) && !unset(raw.DATABASE_URL)) {
    return { env, stop };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  unlock = lockDataDir(dataDir);
  try {
    // Redis first: a missing redis-server fails in milliseconds, before PGlite spends seconds on initdb
    if (unset(raw.REDIS_URL)) {
      started.push(await startPrivateRedis(dataDir, log));
      env.REDIS_URL = started[started.length - 1].url;
    }
    if (unset(raw.DATABASE_URL)) {
      started.push(await startEmbeddedPostgres(dataDir, log));
      env.DATABASE_URL = started[started.length - 1].url;
    }
  } catch (error) {
    await stop().catch(() => undefined); // the start failure is the error worth reporting
    throw error;
  }
  return { env, stop };
}
