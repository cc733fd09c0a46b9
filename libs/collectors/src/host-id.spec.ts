import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHostId, parseHostId } from './host-id';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('parseHostId', () => {
  it('accepts a trimmed UUID and lowercases it', () => {
    expect(parseHostId(' 8D0F6C1A-2B7E-4C39-9A51-3E2F7D4B6C80\n')).toBe('8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80');
  });

  it('rejects anything else', () => {
    for (const text of [
      null,
      '',
      'not-a-uuid',
      '8d0f6c1a2b7e4c399a513e2f7d4b6c80',
      '8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c8',
    ]) {
      expect(parseHostId(text)).toBeNull();
    }
  });
});

describe('loadHostId', () => {
  let dir: string;

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'host-id-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('generates a lowercase UUID v4 once, persists it with mode 0644, and reuses it afterwards', async () => {
    const file = join(dir, 'state', 'nested', 'host-id');
    const options = { referenceFile: join(dir, 'absent') };
    const first = await loadHostId(file, options);
    expect(first).toMatchObject({ source: 'generated', writeError: null });
    expect(first.hostId).toMatch(UUID_V4);
    expect((await readFile(file, 'utf8')).trim()).toBe(first.hostId);
    expect((await stat(file)).mode & 0o777).toBe(0o644 & ~process.umask());

    const second = await loadHostId(file, options);
    expect(second).toEqual({ hostId: first.hostId, source: 'file', writeError: null });
  });

  it("adopts the reference agent's id and writes it to our file", async () => {
    const file = join(dir, 'host-id');
    const referenceFile = join(dir, 'netwatch-host-id');
    await writeFile(referenceFile, '8D0F6C1A-2B7E-4C39-9A51-3E2F7D4B6C80');
    const result = await loadHostId(file, { referenceFile });
    expect(result).toEqual({ hostId: '8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80', source: 'reference', writeError: null });
    expect((await readFile(file, 'utf8')).trim()).toBe(result.hostId);
  });

  it('prefers its own file over the reference file', async () => {
    const file = join(dir, 'host-id');
    const referenceFile = join(dir, 'netwatch-host-id');
    await writeFile(file, '11111111-2222-4333-8444-555555555555\n');
    await writeFile(referenceFile, '8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80');
    await expect(loadHostId(file, { referenceFile })).resolves.toMatchObject({
      hostId: '11111111-2222-4333-8444-555555555555',
      source: 'file',
    });
  });

  it('replaces a file that does not parse', async () => {
    const file = join(dir, 'host-id');
    await writeFile(file, 'garbage');
    const result = await loadHostId(file, {
      referenceFile: join(dir, 'absent'),
      generate: () => 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE',
    });
    expect(result).toMatchObject({ hostId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', source: 'generated' });
    expect((await readFile(file, 'utf8')).trim()).toBe(result.hostId);
  });

  it('still returns an id, and the error, when the file cannot be written', async () => {
    // a file where the directory should be fails even for root, unlike a read-only mode
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'a file, so nothing can be created below it');
    const result = await loadHostId(join(blocker, 'host-id'), { referenceFile: join(dir, 'absent') });
    expect(result.hostId).toMatch(UUID_V4);
    expect(result.writeError).toBeInstanceOf(Error);
  });
});
