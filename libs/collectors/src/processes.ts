import type { ProcessBandwidth } from '@lib/wire-format';
import type { CommandRunner } from './command-runner';
import { parseDecimal, parseUint } from './parse-number';
import type { FileReader } from './proc-fs';
import { readProcMetadata, rowPids, type ProcessMetadata } from './proc-processes';

// declared beside the /proc reader so that file need not import this one back
export type { ProcessMetadata } from './proc-processes';

/** The exact arguments of spec §3.7: eight fields, then `comm` (which may contain spaces and is unused). */
export const PS_ARGS = ['-A', '-o', 'pid=,ppid=,user=,pcpu=,rss=,vsz=,state=,etime=,comm='];

const U32 = 2 ** 32;

/** `ps` elapsed time `[[dd-]hh:]mm:ss` in seconds, or null when it has another shape. */
export function parseEtime(text: string): number | null {
  const match = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(text);
  if (!match) {
    return null;
  }
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  const total = days * 86400 + hours * 3600 + minutes * 60 + seconds;
  return Number.isSafeInteger(total) ? total : null;
}

/** `now - etime` as RFC 3339, or undefined when that is not a representable time after 1970. */
function startedAt(etime: string, nowMs: number): string | undefined {
  const elapsed = parseEtime(etime);
  // ps counts whole seconds, so whole seconds keep the value steady from one cycle to the next
  const start = Math.floor(nowMs / 1000) * 1000 - (elapsed ?? Infinity) * 1000;
  return Number.isFinite(start) && start >= 0 && start <= 8.64e15 ? new Date(start).toISOString() : undefined;
}

function kibToBytes(text: string): number | undefined {
  const kib = parseUint(text);
  return kib === null || kib * 1024 >= 1e21 ? undefined : kib * 1024;
}

/**
 * Metadata by pid from `ps -A -o pid=,ppid=,user=,pcpu=,rss=,vsz=,state=,etime=,comm=` output. A line
 * without eight fields or without a pid is skipped; any other field that does not parse is left out.
 * @param nowMs wall-clock time of the `ps` run, in milliseconds since the epoch
 */
export function parsePs(text: string, nowMs: number): Map<number, ProcessMetadata> {
  const byPid = new Map<number, ProcessMetadata>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const pid = parseUint(fields[0], U32);
    if (fields.length < 8 || pid === null) {
      continue;
    }
    const [, ppid, user, pcpu, rss, vsz, state, etime] = fields;
    const metadata: ProcessMetadata = {
      cpu_pct: parseDecimal(pcpu) ?? undefined,
      ppid: parseUint(ppid, U32) ?? undefined,
      user,
      mem_rss_bytes: kibToBytes(rss),
      mem_virt_bytes: kibToBytes(vsz),
      // Linux appends modifiers (`Ssl`, `R+`); the wire carries the scheduler state only
      state: Array.from(state)[0],
      started_at: startedAt(etime, nowMs),
    };
    byPid.set(pid, omitUndefined(metadata));
  }
  return byPid;
}

/** Omit-kind fields are left out, never `undefined` (wire-format §6.2). */
function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Copies metadata onto the rows whose pid `ps` reported; other rows are returned unchanged.
 * @param exes executable paths by pid (`/proc/<pid>/exe`), for the rows `ps` reported
 */
export function applyProcessMetadata(
  processes: ProcessBandwidth[],
  metadata: Map<number, ProcessMetadata>,
  exes: Map<number, string> = new Map(),
): ProcessBandwidth[] {
  return processes.map((row) => {
    const found = row.pid === null ? undefined : metadata.get(row.pid);
    if (row.pid === null || found === undefined) {
      return row;
    }
    const cmd = exes.get(row.pid);
    return cmd === undefined ? { ...row, ...found } : { ...row, ...found, cmd };
  });
}

/**
 * Adds the `ps` metadata of spec §3.7 and the executable path to the process rows, read from /proc (see
 * proc-processes.ts) or, when /proc/<pid> is unreadable, from `ps`. Runs nothing when the list is empty.
 * When neither works, or on platforms other than Linux, the rows come back unchanged.
 */
export async function collectProcessMetadata(
  processes: ProcessBandwidth[],
  fs: FileReader,
  commands: CommandRunner,
  options: { proc?: string; etc?: string; platform?: NodeJS.Platform; now?: () => number } = {},
): Promise<ProcessBandwidth[]> {
  if (processes.length === 0 || (options.platform ?? process.platform) !== 'linux') {
    return processes;
  }
  const nowMs = (options.now ?? Date.now)();
  let metadata = await readProcMetadata(rowPids(processes), fs, { proc: options.proc, etc: options.etc, nowMs });
  if (metadata.size === 0) {
    // /proc/<pid> unreadable (hidepid, unusual mounts): ask ps, as the reference does
    const ps = await commands.run('ps', PS_ARGS, { timeoutMs: 5000 });
    if (!ps.ok) {
      return processes;
    }
    metadata = parsePs(ps.stdout, nowMs);
  }
  const pids = rowPids(processes).filter((pid) => metadata.has(pid));
  const exes = new Map<number, string>();
  // never the argument list: it can hold secrets, and these rows leave the host
  await Promise.all(
    pids.map(async (pid) => {
      const target = await fs.link(`${options.proc ?? '/proc'}/${pid}/exe`);
      if (target) {
        exes.set(pid, target);
      }
    }),
  );
  return applyProcessMetadata(processes, metadata, exes);
}
