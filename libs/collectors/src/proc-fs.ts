import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readdir, readFile, readlink, statfs } from 'node:fs/promises';

/**
 * Every collector reads the host through this seam, so whole collectors run on fixture trees in tests.
 * Reads never throw: a missing or unreadable file is `null` (other platforms simply have none).
 */
export interface FileReader {
  /** File contents, or null when the file cannot be read. */
  read(path: string): Promise<string | null>;
  /** Directory entries (names only), or [] when the directory cannot be read. */
  list(dir: string): Promise<string[]>;
  /** Target of a symbolic link, or null. */
  link(path: string): Promise<string | null>;
  /** Filesystem sizes of the mount at `path`, or null. */
  statfs(
    path: string,
  ): Promise<{ blockSize: number; blocks: number; blocksFree: number; blocksAvailable: number } | null>;
}

/**
 * /proc and /sys are kernel pseudo-files: a read, listing or readlink never waits for a disk and takes
 * microseconds, while the async call costs thread-pool round trips (four for a read: open, stat, read,
 * close). A cycle makes about a hundred of them, so they run synchronously; anything else stays async.
 */
const PSEUDO_FS = /^\/(proc|sys)(\/|$)/;

function pseudo<T>(call: () => T, fallback: T): T {
  try {
    return call();
  } catch {
    return fallback;
  }
}

/** The real host. */
export const hostFs: FileReader = {
  read: async (path) =>
    PSEUDO_FS.test(path) ? pseudo(() => readFileSync(path, 'utf8'), null) : readFile(path, 'utf8').catch(() => null),
  list: async (dir) => (PSEUDO_FS.test(dir) ? pseudo(() => readdirSync(dir), []) : readdir(dir).catch(() => [])),
  link: async (path) =>
    PSEUDO_FS.test(path) ? pseudo(() => readlinkSync(path), null) : readlink(path).catch(() => null),
  statfs: async (path) => {
    try {
      const s = await statfs(path);
      return { blockSize: s.bsize, blocks: s.blocks, blocksFree: s.bfree, blocksAvailable: s.bavail };
    } catch {
      return null;
    }
  },
};

/**
 * A host made of a file map: keys are absolute paths; directories are implied by the paths below them;
 * `links` maps a path to its link target and `mounts` maps a mount point to its statfs answer.
 */
export function fixtureFs(
  files: Record<string, string>,
  extra: {
    links?: Record<string, string>;
    mounts?: Record<string, { blockSize: number; blocks: number; blocksFree: number; blocksAvailable: number }>;
  } = {},
): FileReader {
  return {
    read: async (path) => files[path] ?? null,
    list: async (dir) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = new Set<string>();
      for (const path of [...Object.keys(files), ...Object.keys(extra.links ?? {})]) {
        if (path.startsWith(prefix)) {
          names.add(path.slice(prefix.length).split('/')[0]);
        }
      }
      return [...names].sort();
    },
    link: async (path) => extra.links?.[path] ?? null,
    statfs: async (path) => extra.mounts?.[path] ?? null,
  };
}
