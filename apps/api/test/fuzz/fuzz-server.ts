import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { LOOPBACK } from '../ingest-fixtures';
import { createDatabase, dropRedisPrefix, freePort, TEST_REDIS_URL, uniqueName } from '../stores';

const MAIN = join(resolve(__dirname, '../../../..'), 'dist/apps/api/src/main.js');
// Not the shared test constants of app.ts: importing app.ts would load the whole Nest application into Jest.
export const PASSWORD = 'fuzz shared password';
export const ADMIN_PASSWORD = 'fuzz admin password';

/** What the server holds after a full garbage collection, and what the kernel says it occupies. */
export interface Memory {
  liveHeap: number;
  rss: number;
}

/**
 * The built API (`ROLE=all`, what `npm start` runs) in a child process of its own. In-process, a handler stuck
 * on the event loop would stop the fuzzer's own timers too, so a hang could never be reported as one; and the
 * child's RSS is the server's alone, without Jest and the client.
 */
export class FuzzServer {
  output = '';
  readonly url: string;
  private exit: { code: number | null; signal: string | null } | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly inspectorPort: number,
    private readonly cleanup: () => Promise<void>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.once('exit', (code, signal) => (this.exit = { code, signal }));
  }

  static async start(overrides: Record<string, string> = {}): Promise<FuzzServer> {
    const db = await createDatabase();
    const prefix = uniqueName('t');
    const port = await freePort();
    const inspectorPort = await freePort();
    // the inspector (loopback only) is how memory() forces a full collection: RSS alone keeps garbage V8 has
    // not returned to the system, and cannot tell it from a leak
    const child = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectorPort}`, MAIN], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        WATCHTOWER_PASSWORD: PASSWORD,
        ADMIN_PASSWORD,
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        // every case comes from 127.0.0.1: a throttled address would answer 429 to everything after it
        AUTH_FAILURES_PER_MINUTE: '0',
        // the per-key budget would answer 429 before the body is ever read
        INGEST_RATE_LIMIT: '100000',
        // fuzzed webhook targets must never be called, and mail has no server here
        ALERTS_ENABLED: 'false',
        ...LOOPBACK,
        ...overrides,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new FuzzServer(child, port, inspectorPort, async () => {
      await dropRedisPrefix(prefix);
      await db.drop();
    });
    await server.ready();
    return server;
  }

  private async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.assertAlive();
      const status = await fetch(`${this.url}/health/live`).then(
        (res) => res.status,
        () => 0,
      );
      if (status === 200) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`the API did not start:\n${this.output}`);
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  /** Throws with the server's output if the process has exited (a crash is a finding in its own right). */
  assertAlive(): void {
    if (this.exit !== null) {
      throw new Error(`the API exited (${JSON.stringify(this.exit)}):\n${this.output.slice(-4000)}`);
    }
  }

  /** Resident set size in bytes, from the kernel's view of the child. */
  rss(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (kib === null) {
      throw new Error(`no VmRSS in /proc/${this.child.pid}/status`);
    }
    return Number(kib[1]) * 1024;
  }

  /** Live heap after a full collection, through the inspector protocol, and the RSS right after it. */
  async memory(): Promise<Memory> {
    const targets = (await (await fetch(`http://127.0.0.1:${this.inspectorPort}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const inspector = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise((done, fail) => inspector.once('open', done).once('error', fail));
    let id = 0;
    const call = async (method: string): Promise<Record<string, any>> =>
      new Promise((done) => {
        const mine = ++id;
        const listen = (data: Buffer): void => {
          const message = JSON.parse(data.toString());
          if (message.id === mine) {
            inspector.off('message', listen);
            done(message.result);
          }
        };
        inspector.on('message', listen);
        inspector.send(JSON.stringify({ id: mine, method }));
      });
    try {
      await call('HeapProfiler.collectGarbage');
      const usage = await call('Runtime.getHeapUsage');
      return { liveHeap: usage.usedSize as number, rss: this.rss() };
    } finally {
      inspector.close();
    }
  }

  /**
   * Log lines that say the server hit a failure of its own rather than refused the input; with both stores up
   * throughout, a "store unavailable" line is one too.
   */
  internalErrors(): string[] {
    return this.output
      .split('\n')
      .filter((line) => /internal error|store unavailable|TypeError|RangeError|unhandled/i.test(line));
  }

  async stop(): Promise<void> {
    if (this.exit === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await this.cleanup();
  }
}
