import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { startPrivateRedis } from './private-redis';
import { typescriptHook } from './test/typescript-hook';

const listening = async (url: string): Promise<boolean> =>
  new Promise((done) => {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('connect', () => done(true) ?? socket.destroy());
    socket.on('error', () => done(false));
  });

async function eventuallyClosed(url: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!(await listening(url))) {
      return true;
    }
    await sleep(50);
  }
  return false;
}

/** Starts the private Redis from a separate Node process, as `npm start` would, and returns its URL. */
async function startInChildProcess(dataDir: string): Promise<{ url: string; kill(signal: NodeJS.Signals): void }> {
  const script = `${typescriptHook}
    require(${JSON.stringify(require.resolve('./private-redis'))})
      .startPrivateRedis(${JSON.stringify(dataDir)}, () => undefined)
      .then((redis) => console.log(redis.url), (error) => console.log(String(error)));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((done) => child.stdout.once('data', (chunk: Buffer) => done(String(chunk))));
  return { url: url.trim(), kill: (signal) => child.kill(signal) };
}

describe(startPrivateRedis.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-redis-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a key across a restart on the same directory (AOF)', async () => {
    const lines: string[] = [];
    const first = await startPrivateRedis(dir, (line) => lines.push(line));
    expect(first.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(lines).toEqual([expect.stringContaining(join(dir, 'redis'))]);
    const writer = new Redis(first.url);
    await writer.set('quick-start', 'kept');
    await writer.quit();
    await first.stop();
    expect(await listening(first.url)).toBe(false);

    const second = await startPrivateRedis(dir, () => undefined);
    const reader = new Redis(second.url);
    try {
      expect(await reader.get('quick-start')).toBe('kept');
    } finally {
      await reader.quit();
      await second.stop();
    }
  });

  it('says in one line how to get a Redis when the binary is missing', async () => {
    const start = startPrivateRedis(dir, () => undefined, { binary: 'redis-server-that-is-not-installed' });
    await expect(start).rejects.toThrow(/^[^\n]*apt install redis-server[^\n]*REDIS_URL[^\n]*$/);
  });

  it("reports the binary's own output when it stops before answering PING", async () => {
    const start = startPrivateRedis(dir, () => undefined, { binary: 'false' });
    await expect(start).rejects.toThrow('private redis-server stopped (exit 1)');
  });

  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('does not outlive a parent ended by %s', async (signal) => {
    const redis = await startInChildProcess(mkdtempSync(join(dir, 'orphan-')));
    expect(redis.url).toMatch(/^redis:\/\//);
    expect(await listening(redis.url)).toBe(true);
    redis.kill(signal);
    expect(await eventuallyClosed(redis.url)).toBe(true);
  });
});
