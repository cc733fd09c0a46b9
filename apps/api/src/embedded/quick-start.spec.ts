import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { validateBootEnv } from '../config/env.table';
import { prepareQuickStart } from './quick-start';
import { startInWorker } from './test/in-worker';

const closed = async (url: string): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.on('connect', () => done(false) ?? socket.destroy());
    socket.on('error', () => done(true));
  });

// As main.ts does it: the boot settings in, the filled-in variables laid over a copy of the raw environment.
async function quickStart(raw: Record<string, string>, log: (line: string) => void) {
  const quick = await prepareQuickStart(validateBootEnv(raw), log);
  return { ...quick, env: { ...raw, ...quick.filled } as Record<string, string | undefined> };
}

describe(prepareQuickStart.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'wt-quick-'));
  const configured = {
    DATABASE_URL: 'postgres://watchtower@db.example:5432/watchtower',
    REDIS_URL: 'redis://redis.example:6379',
    WATCHTOWER_PASSWORD: 'chosen',
  };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('fills nothing in with NODE_ENV=production, so the validator names what is missing', async () => {
    const raw = { NODE_ENV: 'production', DATA_DIR: root, PORT: '5000' };
    const lines: string[] = [];
    const quick = await quickStart(raw, (line) => lines.push(line));
    expect(quick.env).toEqual(raw);
    expect(quick.env).not.toBe(raw);
    expect(lines).toEqual([]);
    await quick.stop();
  });

  it('starts nothing when everything is configured', async () => {
    const raw = { ...configured, DATA_DIR: root };
    const lines: string[] = [];
    const quick = await quickStart(raw, (line) => lines.push(line));
    expect(quick.env).toEqual(raw);
    expect(lines).toEqual([]);
  });

  it('generates the password and starts Redis when they are missing, leaving the raw environment alone', async () => {
    const dataDir = mkdtempSync(join(root, 'partial-'));
    const raw = { DATABASE_URL: configured.DATABASE_URL, REDIS_URL: '', DATA_DIR: dataDir };
    const lines: string[] = [];
    const quick = await quickStart(raw, (line) => lines.push(line));
    try {
      const { WATCHTOWER_PASSWORD: password = '', REDIS_URL: redisUrl = '' } = quick.env;
      expect(raw).toEqual({ DATABASE_URL: configured.DATABASE_URL, REDIS_URL: '', DATA_DIR: dataDir });
      expect(quick.env.DATABASE_URL).toBe(configured.DATABASE_URL);
      expect(lines).toEqual([
        `WATCHTOWER_PASSWORD was not set: generated ${password}, stored in ${join(dataDir, 'password')}`,
        expect.stringMatching(/^private redis-server listening on 127\.0\.0\.1:\d+, data \(AOF\) in .*\/redis$/),
      ]);
      const redis = new Redis(redisUrl);
      expect(await redis.ping()).toBe('PONG');
      await redis.quit();
      await expect(quickStart(raw, () => undefined)).rejects.toThrow(`${dataDir} is in use by process`);
    } finally {
      await quick.stop();
    }
    expect(await closed(quick.env.REDIS_URL ?? '')).toBe(true);

    const again = await quickStart({ ...raw, REDIS_URL: configured.REDIS_URL }, (line) => lines.push(line));
    expect(again.env.WATCHTOWER_PASSWORD).toBe(quick.env.WATCHTOWER_PASSWORD);
    expect(lines[2]).toBe(`WATCHTOWER_PASSWORD was not set: using the one stored in ${join(dataDir, 'password')}`);
  });

  it('runs on an empty environment with embedded PostgreSQL and a private Redis', async () => {
    const dataDir = mkdtempSync(join(root, 'empty-'));
    const entry = require.resolve('./quick-start');
    const boot = validateBootEnv({ DATA_DIR: dataDir });
    const quick = await startInWorker<{ filled: NodeJS.ProcessEnv }>(entry, 'prepareQuickStart', boot);
    try {
      expect(quick.lines).toEqual([
        expect.stringContaining('generated'),
        expect.stringContaining('private redis-server'),
        expect.stringMatching(/^embedded PostgreSQL \(PGlite\) listening on 127\.0\.0\.1:\d+, data in .*\/pg$/),
      ]);
      // PGlite cannot time a statement out, so regex searches get a bounded window instead
      expect(quick.result.filled.SEARCH_MAX_WINDOW_SECONDS).toBe('604800');
      const pool = new Pool({ connectionString: quick.result.filled.DATABASE_URL });
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await pool.end();
    } finally {
      await quick.stop();
    }
    expect(await closed(quick.result.filled.REDIS_URL ?? '')).toBe(true);
    expect(await closed(quick.result.filled.DATABASE_URL ?? '')).toBe(true);
  });
});
