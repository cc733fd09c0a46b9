import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The release version: the `version` of the root package.json (name `watchtower`), the one place it is written.
 * Found by walking up from this file, so it works from the sources (tests) and from `dist/` once built.
 */
export function releaseVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    const pkg = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown })
      : {};
    if (pkg.name === 'watchtower' && typeof pkg.version === 'string') {
      return pkg.version;
    }
    if (dirname(dir) === dir) {
      throw new Error(`no package.json named watchtower above ${from}`);
    }
  }
}
