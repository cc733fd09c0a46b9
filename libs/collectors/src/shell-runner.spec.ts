import fc from 'fast-check';
import { readFileSync, rmSync } from 'node:fs';
import { hostCommands } from './command-runner';
import { ShellRunner } from './shell-runner';

// every test runs real commands through a real /bin/sh
const runners: ShellRunner[] = [];
function runner(options: ConstructorParameters<typeof ShellRunner>[0] = {}): ShellRunner {
  const created = new ShellRunner(options);
  runners.push(created);
  return created;
}
afterEach(() => runners.splice(0).forEach((r) => r.close()));

const alive = (pid: number): boolean => {
  try {
    // a zombie still answers kill(0) until its parent reaps it
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z');
  } catch {
    return false;
  }
};

const waitFor = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('ShellRunner', () => {
  it('returns stdout, stderr and the exit code of each command, as execFile does', async () => {
    const shell = runner();
    const script = 'printf "out\\n"; printf "err\\n" >&2; exit 3';
    const expected = await hostCommands.run('sh', ['-c', script]);
    const result = await shell.run('sh', ['-c', script]);
    expect(result).toEqual({ ok: false, missing: false, stdout: 'out\n', stderr: 'err\n', code: 3 });
    expect(result).toEqual(expected);
    expect(await shell.run('printf', ['no newline'])).toEqual({
      ok: true,
      missing: false,
      stdout: 'no newline',
      stderr: '',
      code: 0,
    });
  });

  it('reuses one helper shell for commands run one after another', async () => {
    const shell = runner();
    const first = await shell.run('sh', ['-c', 'echo $PPID']);
    const second = await shell.run('sh', ['-c', 'echo $PPID']);
    expect(first.stdout).toBe(second.stdout);
    expect(shell.pids()).toEqual([Number(first.stdout)]);
  });

  it('passes every argument through unchanged: quotes, spaces, newlines, $ and globs', async () => {
    const shell = runner();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
          { maxLength: 4 },
        ),
        async (args) => {
          const result = await shell.run('printf', ['%s\\0', ...args]);
          // printf applies its format once even without arguments
          expect(result.stdout).toBe(args.length ? args.map((arg) => `${arg}\0`).join('') : '\0');
        },
      ),
      { numRuns: 60 },
    );
    expect((await shell.run('printf', ['%s|', "it's", '$HOME', '*', 'a\nb', '`id`'])).stdout).toBe(
      "it's|$HOME|*|a\nb|`id`|",
    );
  });

  it('gives commands an empty stdin, so they cannot swallow the commands that follow', async () => {
    const shell = runner();
    expect(await shell.run('cat', [])).toMatchObject({ ok: true, stdout: '' });
    expect(await shell.run('echo', ['still here'])).toMatchObject({ ok: true, stdout: 'still here\n' });
  });

  it('reports a program that does not exist as missing, like execFile does', async () => {
    const shell = runner();
    const result = await shell.run('watchtower-no-such-program', ['-x']);
    expect(result).toMatchObject({ ok: false, missing: true, code: 127 });
    expect((await hostCommands.run('watchtower-no-such-program', ['-x'])).missing).toBe(true);
  });

  it('kills a command that runs past its timeout, with its helper, and the next command gets a new helper', async () => {
    const shell = runner();
    await shell.run('true', []);
    const [helper] = shell.pids();
    const result = await shell.run('sh', ['-c', 'echo started; sleep 30'], { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, missing: false, code: null, stdout: '' });
    expect(result.stderr).toContain('timed out after 300 ms');
    await waitFor(() => !alive(helper));
    expect(alive(helper)).toBe(false);
    expect(shell.pids()).not.toContain(helper);
    const next = await shell.run('echo', ['next']);
    expect(next).toMatchObject({ ok: true, stdout: 'next\n' });
  });

  it('kills the command itself, not only the shell, when it times out', async () => {
    const shell = runner();
    const pidFile = `/tmp/watchtower-shell-runner-${process.pid}`;
    await shell.run('sh', ['-c', `echo $$ > ${pidFile}; exec sleep 30`], { timeoutMs: 300 });
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    rmSync(pidFile, { force: true });
    await waitFor(() => !alive(sleeper));
    expect(alive(sleeper)).toBe(false);
  });

  it('caps the output: a command writing more than the cap is killed and fails', async () => {
    const shell = runner({ maxOutputChars: 64 * 1024 });
    const result = await shell.run('sh', ['-c', 'yes watchtower | head -c 1000000']);
    expect(result).toMatchObject({ ok: false, code: null, stdout: '' });
    expect(result.stderr).toContain('output over 65536 characters');
    const under = await shell.run('sh', ['-c', 'yes watchtower | head -c 60000']);
    expect(under).toMatchObject({ ok: true });
    expect(under.stdout).toHaveLength(60000);
  });

  it('runs concurrent commands on separate helpers, up to its limit, and queues the rest', async () => {
    const shell = runner({ maxHelpers: 2 });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) => shell.run('sh', ['-c', `sleep 0.05; echo ${n}`])),
    );
    expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n', '4\n', '5\n']);
    expect(shell.pids().length).toBe(2);
  });

  it('survives its helper being killed from outside: the running command fails, the next one runs', async () => {
    const shell = runner();
    await shell.run('true', []);
    const [helper] = shell.pids();
    const running = shell.run('sleep', ['30']);
    process.kill(helper, 'SIGKILL');
    expect(await running).toMatchObject({ ok: false, stderr: 'helper shell exited' });
    expect(await shell.run('echo', ['again'])).toMatchObject({ ok: true, stdout: 'again\n' });
    expect(shell.pids()).not.toContain(helper);
  });

  it('without a shell, reports every command as missing instead of throwing', async () => {
    const shell = runner({ shell: '/nonexistent/sh' });
    expect(await shell.run('ss', ['-tunapi'])).toMatchObject({ ok: false, missing: true });
  });

  it('after close, ends its helpers and fails new commands', async () => {
    const shell = runner();
    await shell.run('true', []);
    const [helper] = shell.pids();
    const running = shell.run('sleep', ['30']);
    shell.close();
    expect(await running).toMatchObject({ ok: false });
    expect(await shell.run('echo', ['x'])).toMatchObject({ ok: false, stderr: 'command runner closed' });
    await waitFor(() => !alive(helper));
    expect(alive(helper)).toBe(false);
  });

  it('refuses an argument with a NUL byte, which no command line can carry', async () => {
    expect(await runner().run('echo', ['a\0b'])).toMatchObject({ ok: false, missing: false });
  });
});
