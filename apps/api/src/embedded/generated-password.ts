import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const passwordFile = (dataDir: string): string => join(dataDir, 'password');
/** The private redis-server's `requirepass` and the embedded PostgreSQL's password (quick start only). */
export const redisPasswordFile = (dataDir: string): string => join(dataDir, 'redis-password');
export const postgresPasswordFile = (dataDir: string): string => join(dataDir, 'postgres-password');

/** The quick start's WATCHTOWER_PASSWORD: generated once, then read back from `<dataDir>/password`. */
export function loadOrCreatePassword(dataDir: string): { password: string; created: boolean } {
  return loadOrCreateSecret(passwordFile(dataDir), 'or set WATCHTOWER_PASSWORD');
}

/** A secret generated once into `file` (0600, in a 0700 directory), then read back from it. */
export function loadOrCreateSecret(file: string, otherwise = ''): { password: string; created: boolean } {
  try {
    const password = readFileSync(file, 'utf8').trim();
    if (password === '') {
      throw new Error(`${file} is empty: delete it to get a new password${otherwise ? `, ${otherwise}` : ''}`);
    }
    return { password, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // 18 random bytes are exactly 24 base64url characters (144 bits)
  const password = randomBytes(18).toString('base64url');
  // 'wx': if two processes race, the second fails instead of replacing a password the first one printed
  writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return { password, created: true };
}
