import { existsSync, mkdirSync } from 'node:fs';
import type { BootEnv, QuickStartVariable } from '../config/env.table';
import { lockDataDir } from './data-dir-lock';
import { tightenDataDirModes } from './data-dir-modes';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { EmbeddedService } from './embedded-service';
import {
  loadOrCreatePassword,
  loadOrCreateSecret,
  passwordFile,
  postgresPasswordFile,
  redisPasswordFile,
} from './generated-password';
import { startPrivateRedis } from './private-redis';

export interface QuickStart {
  /** What it filled in; main.ts lays these over the raw environment before validateEnv(). */
  filled: Partial<Record<QuickStartVariable, string>>;
  /** Stops what was started here; call it after the app has closed (its queues still need Redis). */
  stop(): Promise<void>;
}

/** A week: the widest preset of the original GUI (since: last week). */
export const EMBEDDED_SEARCH_WINDOW_SECONDS = 7 * 86400;

/**
 * The zero-configuration start (watchtower-protocol.md §3.4, §11): each of WATCHTOWER_PASSWORD, REDIS_URL and
 * DATABASE_URL left empty is filled from `DATA_DIR` (default `./data`), both checked by the config table first;
 * with the embedded PostgreSQL, AGENT_EMBEDDED left empty is turned on and SEARCH_MAX_WINDOW_SECONDS set. With
 * NODE_ENV=production nothing is filled in, so validateEnv() refuses to boot and names the missing variable.
 */
export async function prepareQuickStart(boot: BootEnv, log: (line: string) => void): Promise<QuickStart> {
  const filled: QuickStart['filled'] = {};
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
  if (boot.nodeEnv === 'production') {
    return { filled, stop };
  }
  const { dataDir } = boot;
  const unset = (name: QuickStartVariable): boolean => boot.unset.includes(name);
  if (existsSync(dataDir)) {
    tightenDataDirModes(dataDir);
  }

  if (unset('WATCHTOWER_PASSWORD')) {
    const { password, created } = loadOrCreatePassword(dataDir);
    filled.WATCHTOWER_PASSWORD = password;
    log(
      created
        ? `WATCHTOWER_PASSWORD was not set: generated ${password}, stored in ${passwordFile(dataDir)}`
        : `WATCHTOWER_PASSWORD was not set: using the one stored in ${passwordFile(dataDir)}`,
    );
  }
  if (!unset('REDIS_URL') && !unset('DATABASE_URL')) {
    return { filled, stop };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  unlock = lockDataDir(dataDir);
  try {
    // Redis first: a missing redis-server fails in milliseconds, before PGlite spends seconds on initdb
    if (unset('REDIS_URL')) {
      const { password } = loadOrCreateSecret(redisPasswordFile(dataDir));
      started.push(await startPrivateRedis(dataDir, log, { password }));
      filled.REDIS_URL = started[started.length - 1].url;
    }
    if (unset('DATABASE_URL')) {
      const { password } = loadOrCreateSecret(postgresPasswordFile(dataDir));
      started.push(await startEmbeddedPostgres(dataDir, log, { password }));
      filled.DATABASE_URL = started[started.length - 1].url;
      // a new user's first start already shows one host: this one (embedded collector mode)
      if (unset('AGENT_EMBEDDED')) {
        filled.AGENT_EMBEDDED = 'true';
      }
      // PGlite runs on this process's thread and cannot honour statement_timeout: bound regex scans by window
      if (unset('SEARCH_MAX_WINDOW_SECONDS')) {
        filled.SEARCH_MAX_WINDOW_SECONDS = String(EMBEDDED_SEARCH_WINDOW_SECONDS);
      }
    }
  } catch (error) {
    await stop().catch(() => undefined); // the start failure is the error worth reporting
    throw error;
  }
  return { filled, stop };
}
