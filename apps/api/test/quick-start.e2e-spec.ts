import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from './app';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/api/src/main.js');

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** `npm start` as a new user runs it: the built API, no configuration but a port, in an empty directory. */
function start(cwd: string, port: number): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) },
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
    execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'pipe' });
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
