import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const heldHere = new Set<string>();

/**
 * Claims `dataDir` for this process. PGlite takes no lock on its files and Redis none on its AOF, so a second
 * `npm start` on the same directory would write both behind the first one's back. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      heldHere.add(file);
      let held = true;
      return () => {
        // only once: after our release the file may already be someone else's lock
        if (held) {
          held = false;
          heldHere.delete(file);
          rmSync(file, { force: true });
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (heldHere.has(file) || running(holder)) {
      throw new Error(
        `${dataDir} is in use by process ${holder}: stop that instance or set DATA_DIR to another directory ` +
          `(if no such process runs, delete ${file})`,
      );
    }
    rmSync(file, { force: true }); // left by a process that died without stopping (kill -9, crash)
  }
  throw new Error(`cannot lock ${dataDir}: ${file} keeps coming back`);
}

function running(pid: number): boolean {
  // our own pid in a file we did not write is a previous life of this container (pid 1 again), not a rival
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}
