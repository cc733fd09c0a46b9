import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code 0. */
  ok: boolean;
  /** The program does not exist (ENOENT) or may not run (EACCES). */
  missing: boolean;
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Child processes go through this seam: always async (never blocking the event loop), always bounded. */
export interface CommandRunner {
  run(command: string, args: string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
}

// collectors.md §1.3: an 8 MiB output cap per command.
export const MAX_OUTPUT = 8 * 1024 * 1024;

/** Every command runs in the C locale: the parsers read its numbers, dates and messages. */
export const commandEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LC_ALL: 'C' });

/** The real host. Never throws: failures come back as a result. */
export const hostCommands: CommandRunner = {
  run: async (command, args, options = {}) =>
    new Promise<CommandResult>((resolve) => {
      execFile(
        command,
        args,
        {
          timeout: options.timeoutMs ?? 5000,
          maxBuffer: MAX_OUTPUT,
          encoding: 'utf8',
          env: commandEnv(),
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          const missing = error !== null && (error.code === 'ENOENT' || error.code === 'EACCES');
          resolve({ ok: error === null, missing, stdout: stdout ?? '', stderr: stderr ?? '', code });
        },
      );
    }),
};

/**
 * Canned outputs keyed by the command line (`"ss -tunapi"`): a string is a successful run, null a
 * missing program, and an object any other outcome.
 */
export function fixtureCommands(outputs: Record<string, string | null | Partial<CommandResult>>): CommandRunner {
  return {
    run: async (command, args) => {
      const key = [command, ...args].join(' ');
      const canned = outputs[key];
      if (canned === undefined || canned === null) {
        return { ok: false, missing: true, stdout: '', stderr: `${command}: not found`, code: null };
      }
      if (typeof canned === 'string') {
        return { ok: true, missing: false, stdout: canned, stderr: '', code: 0 };
      }
      return { ok: false, missing: false, stdout: '', stderr: '', code: 1, ...canned };
    },
  };
}
