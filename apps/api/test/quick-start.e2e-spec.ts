import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { eventually, PASSWORD } from './app';
import { allJobs } from './jobs';
import { createDatabase, dropRedisPrefix, freePort, TEST_REDIS_URL, uniqueName } from './stores';

// NODE_ENV=production refuses passwords under 16 characters
const PRODUCTION_PASSWORD = `${PASSWORD} in production`;

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/api/src/main.js');

/** `npm start` as a new user runs it: the built API, no configuration but a port, in an empty directory. */
function start(
  cwd: string,
  port: number,
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      // the embedded collector probes loopback only
      AGENT_GATEWAY: '127.0.0.1',
      AGENT_DNS_SERVER: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) {
    return child.exitCode;
  }
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('npm start with no configuration', () => {
  let dir: string;
  let running: ChildProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wt-quickstart-'));
  });
  afterAll(async () => {
    if (running) {
      await stop(running);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs on embedded PostgreSQL and a private Redis, and keeps a pulse across a restart', async () => {
    const port = await freePort();
    const first = start(dir, port);
    running = first.child;
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => expect((await fetch(`${url}/hello`)).status).toBe(403), 60_000);

    const password = readFileSync(join(dir, 'data/password'), 'utf8').trim();
    expect(statSync(join(dir, 'data/password')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(password);

    const pulse = await fetch(url, {
      method: 'POST',
      headers: { password, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'quick', alertType: 'log', alertTarget: 'ops', nextIn: 3600 }),
    });
    expect(pulse.status).toBe(200);
    // the row reaches PostgreSQL through the persistence queue
    await eventually(async () => {
      const events = await fetch(`${url}/add-event`, {
        method: 'POST',
        headers: { password },
        body: JSON.stringify({ service: 'quick', message: 'before restart' }),
      });
      expect(events.status).toBe(200);
    });
    // embedded collector mode is on in the quick start: its own host shows within one interval (15 s)
    await eventually(async () => {
      const res = await fetch(`${url}/api/v1/hosts`, { headers: { password } });
      const { hosts } = (await res.json()) as { hosts: { embedded: boolean; cpuPct: number | null }[] };
      expect(hosts).toEqual([expect.objectContaining({ embedded: true, cpuPct: expect.any(Number) })]);
    }, 15_000);
    await new Promise((done) => setTimeout(done, 1500));
    expect(await stop(first.child)).toBe(0);

    const second = start(dir, port);
    running = second.child;
    await eventually(
      async () => expect((await fetch(`${url}/hello`, { headers: { password } })).status).toBe(200),
      60_000,
    );
    expect(second.output()).not.toContain(password);
    const list = (await (await fetch(`${url}/heartbeats`, { headers: { password } })).json()) as {
      heartBeats: { service: string }[];
    };
    expect(list.heartBeats.map((h) => h.service)).toEqual(['quick']);
    const events = (await (await fetch(`${url}/events?service=^quick$`, { headers: { password } })).json()) as {
      events: { message: string }[];
    };
    expect(events.events.map((e) => e.message)).toEqual(['before restart']);
    const unbounded = await fetch(`${url}/events?service=^quick$&from=0`, { headers: { password } });
    expect(unbounded.status).toBe(400);
    expect(await unbounded.json()).toEqual({
      hint: 'service and message filters search at most 604800 seconds here: narrow from and to',
      result: 400,
    });
    expect(await stop(second.child)).toBe(0);
    running = undefined;
  }, 150_000);

  it('says in one line how to get a redis-server when none is on the PATH', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wt-nopath-'));
    const child = spawn(process.execPath, [MAIN], {
      cwd: empty,
      env: { PATH: '/nonexistent', PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    rmSync(empty, { recursive: true, force: true });
    expect(code).not.toBe(0);
    expect(output).toMatch(/redis-server/);
    expect(output).toMatch(/REDIS_URL/);
  }, 60_000);
});

describe('two real API processes on the same PostgreSQL and Redis', () => {
  it('CT-21 with real processes: 200 services dying in the same second give exactly 200 alert jobs', async () => {
    const db = await createDatabase();
    const prefix = uniqueName('t');
    const env = {
      NODE_ENV: 'production',
      WATCHTOWER_PASSWORD: PRODUCTION_PASSWORD,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      AUTH_FAILURES_PER_MINUTE: '0',
    };
    const ports = [await freePort(), await freePort()];
    // one after the other: the second must find the schema the first migrated
    const first = start(ROOT, ports[0], env);
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${ports[0]}/hello`)).status).toBe(403), 30_000);
    const second = start(ROOT, ports[1], env);
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${ports[1]}/hello`)).status).toBe(403), 30_000);
    const alerts = new Queue('alerts', { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const res = await fetch(`http://127.0.0.1:${ports[i % 2]}/heartbeat`, {
            method: 'POST',
            headers: { password: PRODUCTION_PASSWORD },
            body: JSON.stringify({ service: `proc-${i}`, alertType: 'log', alertTarget: 'ops', nextIn: 1 }),
          });
          expect(res.status).toBe(200);
        }),
      );
      await eventually(async () => expect(await allJobs(alerts, 'down')).toHaveLength(200), 10_000);
      await new Promise((done) => setTimeout(done, 1500));
      const jobs = await allJobs(alerts, 'down');
      expect(jobs).toHaveLength(200);
      expect(new Set(jobs.map((job) => job.data.service)).size).toBe(200);
    } finally {
      await alerts.close();
      expect(await stop(first.child)).toBe(0);
      expect(await stop(second.child)).toBe(0);
      await dropRedisPrefix(prefix);
      await db.drop();
    }
  }, 90_000);
});

/** The first reply line of a Redis server to an inline command from a client that sent no AUTH. */
async function anonymousRedisReply(port: number, command: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        done(reply.split('\r\n')[0]);
      }
    });
    socket.on('error', fail);
  });
}

describe('the quick-start stores', () => {
  it('refuse clients without their generated passwords, and an existing ./data is made owner-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-quickauth-'));
    // a ./data left readable by an older version or a loose umask
    mkdirSync(join(dir, 'data'), { mode: 0o755 });
    writeFileSync(join(dir, 'data/password'), 'an-older-password-0123\n');
    chmodSync(join(dir, 'data'), 0o755);
    chmodSync(join(dir, 'data/password'), 0o644);
    const port = await freePort();
    const api = start(dir, port);
    try {
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/hello`)).status).toBe(403), 60_000);
      expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
      for (const file of ['password', 'redis-password', 'postgres-password', 'redis/redis.conf']) {
        expect([file, statSync(join(dir, 'data', file)).mode & 0o777]).toEqual([file, 0o600]);
      }
      const redisPort = Number(/private redis-server listening on 127\.0\.0\.1:(\d+)/.exec(api.output())?.[1]);
      const pgPort = Number(/embedded PostgreSQL \(PGlite\) listening on 127\.0\.0\.1:(\d+)/.exec(api.output())?.[1]);
      expect(await anonymousRedisReply(redisPort, 'FLUSHALL')).toMatch(/^-NOAUTH/);
      const guess = new Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password: 'postgres' });
      await expect(guess.connect()).rejects.toMatchObject({ code: '28P01' });
      await guess.end().catch(() => undefined);
      // the generated passwords stay out of the output
      for (const file of ['redis-password', 'postgres-password']) {
        expect(api.output()).not.toContain(readFileSync(join(dir, 'data', file), 'utf8').trim());
      }
      // and the app itself, holding them, works
      const password = readFileSync(join(dir, 'data/password'), 'utf8').trim();
      expect((await fetch(`http://127.0.0.1:${port}/hello`, { headers: { password } })).status).toBe(200);
    } finally {
      expect(await stop(api.child)).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
