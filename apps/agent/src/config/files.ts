import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

// Reading the agent's own files (the config file, the key file): one open, so the mode checked is the mode of
// the file read.

export type FileText = { text: string; mode: number } | { missing: boolean; reason: string };

export function readText(path: string): FileText {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { missing: code === 'ENOENT', reason: code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      return { missing: false, reason: 'is not a file' };
    }
    return { text: readFileSync(fd, 'utf8'), mode: stat.mode & 0o777 };
  } catch (error) {
    return { missing: false, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  } finally {
    closeSync(fd);
  }
}

/** The line refusing a file that holds the key while group or others may read or write it, or null. */
export function exposedKey(what: string, path: string, mode: number): string | null {
  if ((mode & 0o077) === 0) {
    return null;
  }
  const octal = mode.toString(8).padStart(4, '0');
  return `${what} ${path} is readable or writable by group or others (mode ${octal}): run chmod 600 ${path}`;
}
