import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseVersion } from '.';

describe(releaseVersion.name, () => {
  it('is the version of the root package.json', () => {
    const root = JSON.parse(require('node:fs').readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    expect(releaseVersion()).toBe(root.version);
  });

  it('skips package.json files of other packages on the way up, and says when none is found', () => {
    const top = mkdtempSync(join(tmpdir(), 'wt-release-'));
    try {
      const inner = join(top, 'dist/apps/api/src/config');
      mkdirSync(inner, { recursive: true });
      writeFileSync(join(top, 'package.json'), JSON.stringify({ name: 'watchtower', version: '9.8.7' }));
      writeFileSync(join(top, 'dist/package.json'), JSON.stringify({ name: 'something-else', version: '0.0.1' }));
      expect(releaseVersion(inner)).toBe('9.8.7');
      rmSync(join(top, 'package.json'));
      expect(() => releaseVersion(inner)).toThrow(`no package.json named watchtower above ${inner}`);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
