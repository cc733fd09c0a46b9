import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock';

describe(lockDataDir.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'wt-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a directory held by a running process, and frees it on release', () => {
    const dir = mkdtempSync(join(root, 'held-'));
    writeFileSync(join(dir, 'lock'), `${process.ppid}\n`); // jest's parent: surely running
    expect(() => lockDataDir(dir)).toThrow(`${dir} is in use by process ${process.ppid}`);

    rmSync(join(dir, 'lock'));
    const release = lockDataDir(dir);
    expect(existsSync(join(dir, 'lock'))).toBe(true);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.pid}`);
    release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    const again = lockDataDir(dir);
    release(); // a second release must not remove the new holder's lock
    expect(existsSync(join(dir, 'lock'))).toBe(true);
    again();
  });

  it.each([
    ['a process that is gone', '2147483646'],
    ['our own pid (a restarted container)', String(process.pid)],
    ['garbage', 'not a pid'],
  ])('takes over a lock left by %s', (_, holder) => {
    const dir = mkdtempSync(join(root, 'stale-'));
    writeFileSync(join(dir, 'lock'), holder);
    expect(lockDataDir(dir)).toEqual(expect.any(Function));
  });
});
