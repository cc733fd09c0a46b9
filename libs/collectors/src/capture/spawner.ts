import { spawn } from 'node:child_process';

/** How a long-running child ended: an exit code or signal, or a spawn error code such as `ENOENT`. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
  /** Set when the program could not be started at all (`ENOENT`, `EACCES`). */
  error: string | null;
}

/** A streaming child process, narrowed to what a capture needs so tests can fake it. */
export interface ChildHandle {
  onStdout(listener: (chunk: Buffer) => void): void;
  onStderr(listener: (chunk: Buffer) => void): void;
  /** Called exactly once. */
  onExit(listener: (exit: ChildExit) => void): void;
  kill(): void;
}

/**
 * Starts a long-running child whose output streams (`CommandRunner` only runs commands to completion).
 * Never throws: a program that cannot start reports it through `onExit`.
 */
export type Spawner = (command: string, args: string[]) => ChildHandle;

/** The real host: stdin closed, `LC_ALL=C` so messages are predictable. */
export const hostSpawner: Spawner = (command, args) => {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let exited: ChildExit | null = null;
  const exitListeners: ((exit: ChildExit) => void)[] = [];
  const finish = (exit: ChildExit): void => {
    if (exited) {
      return;
    }
    exited = exit;
    exitListeners.forEach((listener) => listener(exit));
  };
  child.on('error', (error: NodeJS.ErrnoException) =>
    finish({ code: null, signal: null, error: error.code ?? 'ERROR' }),
  );
  child.on('close', (code, signal) => finish({ code, signal, error: null }));
  return {
    onStdout: (listener) => child.stdout.on('data', listener),
    onStderr: (listener) => child.stderr.on('data', listener),
    onExit: (listener) => {
      if (exited) {
        listener(exited);
      } else {
        exitListeners.push(listener);
      }
    },
    kill: () => {
      if (!exited) {
        child.kill('SIGTERM');
      }
    },
  };
};
