import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type CommandResult, type CommandRunner, commandEnv, MAX_OUTPUT } from './command-runner';

const MAX_HELPERS = 4;
// 126: found but not executable, 127: not found (POSIX shell exit codes)
const NOT_RUNNABLE = new Set([126, 127]);

export interface ShellRunnerOptions {
  /** The shell to keep running; `/bin/sh` on every Linux. */
  shell?: string;
  /** Output cap per command, in characters (bytes for ASCII output such as `ss`'s). */
  maxOutputChars?: number;
  /** Commands that may run at the same time (one helper shell each). */
  maxHelpers?: number;
}

interface Job {
  command: string;
  args: string[];
  timeoutMs: number;
  resolve: (result: CommandResult) => void;
}

const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Runs commands through long-lived `/bin/sh` helpers instead of spawning each one from Node.
 *
 * Why: Node forks its whole (large) process for every spawn. Measured on this machine, an `execFile('ss')`
 * blocks the calling thread for 5–7 ms and costs the agent about 3 ms of CPU, once per cycle. A small
 * shell forks cheaply, so the agent pays for its spawn once. Each command still has its own timeout and
 * output cap (collectors.md §1.3): a command that overruns either is killed together with its helper,
 * and the next command gets a fresh one.
 */
export class ShellRunner implements CommandRunner {
  private readonly all = new Set<Helper>();
  private readonly idle: Helper[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  private readonly shell: string;
  private readonly maxOutput: number;
  private readonly maxHelpers: number;

  constructor(options: ShellRunnerOptions = {}) {
    this.shell = options.shell ?? '/bin/sh';
    this.maxOutput = options.maxOutputChars ?? MAX_OUTPUT;
    this.maxHelpers = options.maxHelpers ?? MAX_HELPERS;
  }

  async run(command: string, args: string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    if (this.closed) {
      return failed('command runner closed');
    }
    if ([command, ...args].some((word) => word.includes('\0'))) {
      return failed('argument contains a NUL byte');
    }
    return new Promise((resolve) => {
      this.queue.push({ command, args, timeoutMs: options.timeoutMs ?? 5000, resolve });
      this.dispatch();
    });
  }

  /** Pids of the living helper shells (their CPU includes the commands they ran). */
  pids(): number[] {
    return [...this.all].flatMap((helper) => (helper.pid === undefined ? [] : [helper.pid]));
  }

  /** Ends every helper; a command still running is killed and reported as failed. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      job.resolve(failed('command runner closed'));
    }
    for (const helper of this.all) {
      helper.kill();
    }
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let helper = this.idle.pop();
      if (!helper && this.all.size < this.maxHelpers) {
        helper = this.spawnHelper();
      }
      if (!helper) {
        return;
      }
      const job = this.queue.shift()!;
      helper.start(job, (reusable) => {
        if (reusable && !this.closed) {
          this.idle.push(helper);
        } else {
          this.forget(helper);
        }
        this.dispatch();
      });
    }
  }

  private spawnHelper(): Helper {
    const helper = new Helper(this.shell, this.maxOutput, () => {
      this.forget(helper);
      this.dispatch();
    });
    this.all.add(helper);
    return helper;
  }

  private forget(helper: Helper): void {
    this.all.delete(helper);
    helper.kill();
    const at = this.idle.indexOf(helper);
    if (at >= 0) {
      this.idle.splice(at, 1);
    }
  }
}

function failed(reason: string, missing = false): CommandResult {
  return { ok: false, missing, stdout: '', stderr: reason, code: null };
}

/** The output of one command on one of the helper's pipes, up to the marker line the helper prints after it. */
class Capture {
  private chunks: string[] = [];
  private tail = '';
  size = 0;
  done = false;
  code: number | null = null;

  constructor(private readonly end: RegExp) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // only the last few characters can hold the marker line, so each chunk is checked in O(chunk)
    this.tail = (this.tail + chunk).slice(-96);
    const match = this.end.exec(this.tail);
    if (match) {
      this.done = true;
      this.code = match[1] === undefined ? null : Number(match[1]);
      this.size -= match[0].length;
      this.chunks = [this.chunks.join('').slice(0, this.size)];
    }
  }

  text(): string {
    return this.chunks.join('');
  }
}

/** One `/bin/sh` reading commands from its stdin, one command at a time. */
class Helper {
  private readonly child: ChildProcess;
  private readonly marker = `__watchtower_${randomBytes(12).toString('hex')}__`;
  // the lines the helper prints after each command: exit code on stdout, a bare marker on stderr
  private readonly outEnd = new RegExp(`\\n${this.marker} (\\d+)\\n$`);
  private readonly errEnd = new RegExp(`\\n${this.marker}\\n$`);
  private job: {
    job: Job;
    out: Capture;
    err: Capture;
    timer: NodeJS.Timeout;
    finish: (reusable: boolean) => void;
  } | null = null;
  private dead = false;

  constructor(
    shell: string,
    private readonly maxOutput: number,
    private readonly onDeath: () => void,
  ) {
    // its own process group, so a timed-out command dies with its shell (kill(-pid))
    this.child = spawn(shell, [], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: commandEnv(),
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.data('out', chunk));
    this.child.stderr!.on('data', (chunk: string) => this.data('err', chunk));
    this.child.stdin!.on('error', () => undefined); // EPIPE after the shell died: 'exit' reports it
    this.child.on('error', (error: NodeJS.ErrnoException) =>
      this.die(error.code === 'ENOENT' || error.code === 'EACCES'),
    );
    this.child.on('exit', () => this.die(false));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  start(job: Job, finish: (reusable: boolean) => void): void {
    const out = new Capture(this.outEnd);
    const err = new Capture(this.errEnd);
    const timer = setTimeout(() => this.abort(`timed out after ${job.timeoutMs} ms`), job.timeoutMs);
    this.job = { job, out, err, timer, finish };
    // stdin from /dev/null: a command must never read the commands that follow it
    const line = [job.command, ...job.args].map(quote).join(' ');
    this.child.stdin!.write(
      `${line} </dev/null; printf '\\n%s %d\\n' ${this.marker} $?; printf '\\n%s\\n' ${this.marker} >&2\n`,
    );
  }

  kill(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }
  }

  private data(stream: 'out' | 'err', chunk: string): void {
    const current = this.job;
    if (!current) {
      return;
    }
    const capture = stream === 'out' ? current.out : current.err;
    capture.push(chunk);
    if (current.out.size + current.err.size > this.maxOutput) {
      this.abort(`output over ${this.maxOutput} characters`);
    } else if (current.out.done && current.err.done) {
      this.settle(
        {
          ok: current.out.code === 0,
          missing: NOT_RUNNABLE.has(current.out.code ?? 0),
          stdout: current.out.text(),
          stderr: current.err.text(),
          code: current.out.code,
        },
        true,
      );
    }
  }

  private abort(reason: string): void {
    this.kill();
    this.settle(failed(reason), false);
  }

  private die(missing: boolean): void {
    if (this.dead) {
      return;
    }
    this.dead = true;
    if (this.job) {
      this.settle(failed(missing ? 'no shell to run commands' : 'helper shell exited', missing), false);
    } else {
      this.onDeath();
    }
  }

  private settle(result: CommandResult, reusable: boolean): void {
    const current = this.job;
    if (!current) {
      return;
    }
    this.job = null;
    clearTimeout(current.timer);
    current.job.resolve(result);
    current.finish(reusable && !this.dead);
  }
}
