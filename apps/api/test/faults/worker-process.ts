import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const MAIN = join(resolve(__dirname, '../../../..'), 'dist/apps/api/src/main.js');

/**
 * A real API process (the built main.js) on a test's stores, to be SIGKILLed mid-job: `start` runs a worker
 * (`ROLE=worker`, no HTTP), `startAll` a whole API (`ROLE=all`) listening on loopback at `port`.
 */
export class WorkerProcess {
  output = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly readyLine: string,
    /** Where an `all` process listens; empty for a worker. */
    readonly url: string,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static start(env: Record<string, string>): WorkerProcess {
    return new WorkerProcess(WorkerProcess.spawn({ ...env, ROLE: 'worker' }), 'running as a worker', '');
  }

  static startAll(env: Record<string, string>, port: number): WorkerProcess {
    const child = WorkerProcess.spawn({ ...env, ROLE: 'all', HOST: '127.0.0.1', PORT: String(port) });
    // main.ts logs this line once app.listen() resolved: the port accepts connections
    return new WorkerProcess(child, `listening on http://127.0.0.1:${port} `, `http://127.0.0.1:${port}`);
  }

  private static spawn(env: Record<string, string>): ChildProcess {
    return spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Resolves once the process has booted (its processors and sweeper run; an `all` process listens too). */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(this.readyLine)) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`the process did not start:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGKILL: no shutdown hook runs, the job's lock stays in Redis until it expires. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}
