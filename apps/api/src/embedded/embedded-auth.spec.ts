import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { tightenDataDirModes } from './data-dir-modes';
import { PRIVATE_REDIS_MAXMEMORY, startPrivateRedis } from './private-redis';
import { startInWorker } from './test/in-worker';

const PASSWORD = 'a-generated-secret_0123456789';

async function pgError(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** What a local user without the password gets back for inline commands. */
async function anonymousReplies(port: number, commands: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('connect', () => socket.write(commands.map((c) => `${c}\r\n`).join('')));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.split('\r\n').length > commands.length) {
        socket.destroy();
        done(reply);
      }
    });
    socket.on('error', fail);
  });
}

describe('quick-start stores refuse unauthenticated clients', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-auth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('private redis-server: NOAUTH without the password, durable and memory-bounded settings with it', async () => {
    const redis = await startPrivateRedis(dir, () => undefined, { password: PASSWORD });
    const { port } = new URL(redis.url);
    const owner = new Redis(redis.url);
    try {
      expect(redis.url).toBe(`redis://:${PASSWORD}@127.0.0.1:${port}`);
      await owner.set('kept', 'yes');
      const replies = await anonymousReplies(Number(port), ['GET kept', 'FLUSHALL']);
      expect(replies.split('\r\n').slice(0, 2)).toEqual([
        expect.stringMatching(/^-NOAUTH/),
        expect.stringMatching(/^-NOAUTH/),
      ]);
      expect(await owner.get('kept')).toBe('yes');
      expect(await owner.ping()).toBe('PONG');
      expect(await owner.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
      expect(await owner.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await owner.config('GET', 'maxmemory')).toEqual(['maxmemory', String(512 * 1024 * 1024)]);
      expect(PRIVATE_REDIS_MAXMEMORY).toBe('512mb');
      // the password lives in a 0600 file, not on the command line
      expect(statSync(join(dir, 'redis/redis.conf')).mode & 0o777).toBe(0o600);
    } finally {
      await owner.quit();
      await redis.stop();
    }
  });

  it('embedded PostgreSQL: refuses a missing or wrong password, accepts the right one', async () => {
    const pg = await startInWorker<{ url: string }>(
      require.resolve('./test/password-postgres'),
      'startPasswordPostgres',
      {
        dataDir: join(dir, 'pgdata'),
        password: PASSWORD,
      },
    );
    try {
      const url = new URL(pg.result.url);
      expect(decodeURIComponent(url.password)).toBe(PASSWORD);
      const wrong = new URL(url);
      wrong.password = 'postgres';
      expect(await pgError(wrong.toString())).toBe('28P01');
      const none = new URL(url);
      none.password = '';
      expect(await pgError(none.toString())).toBeDefined();
      expect(await pgError(pg.result.url)).toBeUndefined();
    } finally {
      await pg.stop();
    }
  }, 60_000);

  it('tightens an existing data directory to 0700 directories and 0600 files, leaving symlinks', () => {
    const data = join(dir, 'loose');
    mkdirSync(join(data, 'redis'), { recursive: true });
    writeFileSync(join(data, 'password'), 'x\n');
    writeFileSync(join(data, 'redis/appendonly.aof'), '');
    chmodSync(data, 0o755);
    chmodSync(join(data, 'redis'), 0o777);
    chmodSync(join(data, 'password'), 0o644);
    chmodSync(join(data, 'redis/appendonly.aof'), 0o666);
    const outside = join(dir, 'outside');
    writeFileSync(outside, '');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(data, 'link'));

    tightenDataDirModes(data);

    expect(statSync(data).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'redis')).mode & 0o777).toBe(0o700);
    expect(statSync(join(data, 'password')).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'redis/appendonly.aof')).mode & 0o777).toBe(0o600);
    expect(statSync(outside).mode & 0o777).toBe(0o644);
  });
});
