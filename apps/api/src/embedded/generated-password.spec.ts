import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreatePassword, passwordFile } from './generated-password';

describe(loadOrCreatePassword.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'wt-password-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates a 24-character URL-safe password once, readable by the owner only, then keeps it', () => {
    const dataDir = join(root, 'fresh', 'data'); // parents are created too
    const first = loadOrCreatePassword(dataDir);
    expect(first.created).toBe(true);
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(statSync(passwordFile(dataDir)).mode & 0o777).toBe(0o600);

    expect(loadOrCreatePassword(dataDir)).toEqual({ password: first.password, created: false });
    expect(loadOrCreatePassword(join(root, 'other')).password).not.toBe(first.password);
  });

  it('reads a password written by hand, without its line break', () => {
    const dataDir = mkdtempSync(join(root, 'hand-'));
    writeFileSync(passwordFile(dataDir), 'my own secret\n');
    expect(loadOrCreatePassword(dataDir)).toEqual({ password: 'my own secret', created: false });
  });

  it('refuses an empty password file', () => {
    const dataDir = mkdtempSync(join(root, 'empty-'));
    writeFileSync(passwordFile(dataDir), '\n');
    expect(() => loadOrCreatePassword(dataDir)).toThrow(/password is empty/);
  });
});
