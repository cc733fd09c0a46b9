import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbeddedService } from './embedded-service';
import { tieToParent } from './tie-to-parent';

export interface PrivateRedisOptions {
  /** Command name looked up on the PATH, or a path; tests point it at a binary that does not exist. */
  binary?: string;
  readyTimeoutMs?: number;
  /** Its `requirepass`; the quick start always gives one (any local user could otherwise read or FLUSHALL). */
  password?: string;
}

/**
 * Explicit memory bound: past it writes fail (noeviction) instead of Redis silently dropping live heartbeat
 * state or queued jobs, or growing until the OS kills it.
 */
export const PRIVATE_REDIS_MAXMEMORY = '512mb';

const PORT_ATTEMPTS = 3;

/** A `redis-server` child with AOF under `<dataDir>/redis`, on 127.0.0.1 and a free port. */
export async function startPrivateRedis(
  dataDir: string,
  log: (line: string) => void,
  { binary = 'redis-server', readyTimeoutMs = 10_000, password }: PrivateRedisOptions = {},
): Promise<EmbeddedService> {
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // the free port is only reserved until we close it, so another process may take it first: try again then
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const stop = await launch(binary, dir, port, readyTimeoutMs, log, password);
      log(`private redis-server listening on 127.0.0.1:${port}, data (AOF) in ${dir}`);
      const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
      return { url: `redis://${auth}127.0.0.1:${port}`, stop };
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === PORT_ATTEMPTS) {
        throw error;
      }
    }
  }
}

class PortTakenError extends Error {}

async function launch(
  binary: string,
  dir: string,
  port: number,
  readyTimeoutMs: number,
  log: (line: string) => void,
  password: string | undefined,
): Promise<() => Promise<void>> {
  // Settings go in a 0600 file, not on the command line, where `ps` would show the password to every user.
  // appendfsync always: a write is on disk before Redis answers it, so nothing acknowledged is lost even on a
  // power cut (everysec, Redis's default, may lose the last second then; see docs/reliability.md).
  const settings = [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${JSON.stringify(dir)}`,
    'appendonly yes',
    'appendfsync always',
    // no RDB snapshots (AOF is the persistence), no daemon (we own the process), logs on stdout (captured)
    'save ""',
    'daemonize no',
    'logfile ""',
    `maxmemory ${PRIVATE_REDIS_MAXMEMORY}`,
    'maxmemory-policy noeviction',
    // a client that reads a huge answer slowly is cut off instead of growing Redis's memory without bound
    'client-output-buffer-limit normal 256mb 64mb 60',
    ...(password === undefined ? [] : [`requirepass ${JSON.stringify(password)}`]),
  ];
  const config = resolve(dir, 'redis.conf');
  writeFileSync(config, `${settings.join('\n')}\n`, { mode: 0o600 });
  const args = [config];
  // its own process group: Ctrl-C reaches only us, so the app drains its queues before stop() ends Redis
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((done) => {
    child.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ENOENT' ? 'missing' : error.message));
    child.once('exit', (code, signal) => done(`exit ${code ?? signal}`));
  });

  let gone = false;
  void exited.then(() => (gone = true));
  const ready = await Promise.race([waitForPing(port, password, readyTimeoutMs, () => gone), exited]);
  if (ready === 'missing') {
    throw new Error(
      `cannot start the private Redis: "${binary}" is not on the PATH; install it (apt install redis-server, ` +
        'brew install redis) or set REDIS_URL to an existing Redis',
    );
  }
  if (ready !== 'ready') {
    await stopChild(child);
    if (output.includes('Address already in use')) {
      throw new PortTakenError(output);
    }
    const why = ready === 'timeout' ? `did not answer PING within ${readyTimeoutMs} ms` : `stopped (${ready})`;
    throw new Error(`private redis-server ${why}; its output:\n${output.trim()}`);
  }

  const untie = tieToParent(child);
  let stopping: Promise<void> | undefined;
  void exited.then(
    async (how) => stopping ?? log(`private redis-server ended unexpectedly (${how}): ${output.trim()}`),
  );
  return async () => {
    stopping ??= (async () => {
      untie();
      await stopChild(child);
    })();
    return stopping;
  };
}

/** SIGTERM makes Redis fsync the AOF and exit; SIGKILL only if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return;
  }
  const exit = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exit;
  clearTimeout(timer);
}

async function waitForPing(
  port: number,
  password: string | undefined,
  timeoutMs: number,
  gone: () => boolean,
): Promise<'ready' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    // while it loads a large AOF, Redis answers -LOADING: keep asking
    if (await answersPing(port, password)) {
      return 'ready';
    }
    await sleep(50);
  }
  return 'timeout';
}

async function answersPing(port: number, password: string | undefined): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    // AUTH first when there is a password (RESP array, so any character of it is safe), then PING
    const auth = password === undefined ? '' : `*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(password)}\r\n${password}\r\n`;
    const lines = password === undefined ? 1 : 2;
    socket.on('connect', () => socket.write(`${auth}PING\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const answers = reply.split('\r\n');
      if (answers.length > lines) {
        finish(answers[lines - 1].startsWith('+PONG'));
      }
    });
    socket.on('error', () => finish(false));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
