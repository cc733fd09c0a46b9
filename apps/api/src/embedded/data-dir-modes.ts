import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data directory holds the passwords and every stored record: owner-only. A `./data` made by an older
 * version (or a permissive umask, or a copy) is tightened at boot: 0700 directories, 0600 files. Symbolic
 * links are left alone (chmod would follow them out of the directory).
 */
export function tightenDataDirModes(dataDir: string): void {
  const walk = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) {
      return;
    }
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) {
        chmodSync(path, 0o700);
      }
      readdirSync(path).forEach((name) => walk(join(path, name)));
    } else if (stat.isFile() && (stat.mode & 0o777) !== 0o600) {
      chmodSync(path, 0o600);
    }
  };
  walk(dataDir);
}
