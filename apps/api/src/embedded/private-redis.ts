import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmbeddedService } from './embedded-service';
import { tieToParent } from './tie-to-parent';

export interface PrivateRedisOptions {
  /** Command name looked up on the PATH, or a path; tests point it at a binary that does not exist. */
  binary?: string;
  readyTimeoutMs?: number;
}

const PORT_ATTEMPTS = 3;

/** A `redis-server` child with AOF under `<dataDir>/redis`, on 127.0.0.1 and a free port. */
export async function startPrivateRedis(
  dataDir: string,
  log: (line: string) => void,
  { binary = 'redis-server', readyTimeoutMs = 10_000 }: PrivateRedisOptions = {},
): Promise<EmbeddedService> {
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // the free port is only reserved until we close it, so another process may take it first: try again then
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const stop = await launch(binary, dir, port, readyTimeoutMs, log);
      log(`private redis-server listening on 127.0.0.1:${port}, data (AOF) in ${dir}`);
      return { url: `redis://127.0.0.1:${port}`, stop };
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
): Promise<() => Promise<void>> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes'];
  // no RDB snapshots (AOF is the persistence), no daemon (we own the process), logs on stdout (captured)
  args.push('--save', '', '--daemonize', 'no', '--logfile', '');
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
  const ready = await Promise.race([waitForPing(port, readyTimeoutMs, () => gone), exited]);
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

async function waitForPing(port: number, timeoutMs: number, gone: () => boolean): Promise<'ready' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    // while it loads a large AOF, Redis answers -LOADING: keep asking
    if (await answersPing(port)) {
      return 'ready';
    }
    await sleep(50);
  }
  return 'timeout';
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        finish(reply.startsWith('+PONG'));
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
