import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Where the reference agent keeps its id; adopted so replacing it keeps the host's identity. */
export const REFERENCE_HOST_ID_FILE = '/var/lib/netwatch-agent/host-id';

/** Where the host id came from, and whether persisting it failed (the caller logs that). */
export interface HostIdResult {
  hostId: string;
  source: 'file' | 'reference' | 'generated';
  writeError: Error | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A host-id file's content as a lowercase UUID, or `null` when it does not parse. */
export function parseHostId(text: string | null): string | null {
  const trimmed = text?.trim() ?? '';
  return UUID.test(trimmed) ? trimmed.toLowerCase() : null;
}

async function readId(file: string): Promise<string | null> {
  return parseHostId(await readFile(file, 'utf8').catch(() => null));
}

/**
 * The host's stable id (spec §2.1): read from `file`; else adopted from the reference agent's file; else a
 * new UUID v4. Written back to `file` (directory created, mode 0644) whenever it was not read from it.
 * Never throws: a failed write is reported in `writeError` and the id is still returned.
 */
export async function loadHostId(
  file: string,
  options: { referenceFile?: string; generate?: () => string } = {},
): Promise<HostIdResult> {
  const own = await readId(file);
  if (own !== null) {
    return { hostId: own, source: 'file', writeError: null };
  }
  const adopted = await readId(options.referenceFile ?? REFERENCE_HOST_ID_FILE);
  const hostId = adopted ?? (options.generate ?? randomUUID)().toLowerCase();
  try {
    await mkdir(dirname(file), { recursive: true });
    // write then rename: a crash mid-write must not leave a half id that would be replaced by a new one
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${hostId}\n`, { mode: 0o644 });
    await rename(temporary, file);
    return { hostId, source: adopted ? 'reference' : 'generated', writeError: null };
  } catch (error) {
    return {
      hostId,
      source: adopted ? 'reference' : 'generated',
      writeError: error instanceof Error ? error : new Error(String(error)),
    };
  }
}
