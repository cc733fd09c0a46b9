import type { ProcessBandwidth } from '@lib/wire-format';
import { parseDecimal, parseUint } from './parse-number';
import type { FileReader } from './proc-fs';

/** The `ps` part of a process row's 0.3+ metadata (spec §3.7); `cmd` comes from `/proc/<pid>/exe`. */
export type ProcessMetadata = Pick<
  ProcessBandwidth,
  'cpu_pct' | 'ppid' | 'user' | 'mem_rss_bytes' | 'mem_virt_bytes' | 'state' | 'started_at'
>;

/** USER_HZ: the unit of /proc/<pid>/stat times on every Linux architecture we run on. */
const HZ = 100;
/** `ps -o user=` prints at most 8 characters and marks a cut with `+`. */
const USER_WIDTH = 8;

/**
 * Ours: the values of spec §3.7's `ps -A -o pid=,ppid=,user=,pcpu=,rss=,vsz=,state=,etime=` computed as procps
 * does, but only for the ≤ 25 reported pids and straight from /proc. Spawning `ps -A` cost more CPU than the
 * whole rest of a cycle (issue #4's 20 ms budget), and a spawn blocks the event loop for milliseconds.
 */
export async function readProcMetadata(
  pids: number[],
  fs: FileReader,
  options: { proc?: string; etc?: string; nowMs: number },
): Promise<Map<number, ProcessMetadata>> {
  const proc = options.proc ?? '/proc';
  const [uptimeText, passwd] = await Promise.all([
    fs.read(`${proc}/uptime`),
    fs.read(`${options.etc ?? '/etc'}/passwd`),
  ]);
  const uptime = parseDecimal(uptimeText?.trim().split(/\s+/)[0] ?? '');
  const byPid = new Map<number, ProcessMetadata>();
  if (uptime === null) {
    return byPid;
  }
  const users = parsePasswd(passwd ?? '');
  await Promise.all(
    pids.map(async (pid) => {
      const [stat, status] = await Promise.all([fs.read(`${proc}/${pid}/stat`), fs.read(`${proc}/${pid}/status`)]);
      const metadata =
        stat === null || status === null ? null : procMetadata(stat, status, uptime, users, options.nowMs);
      if (metadata) {
        byPid.set(pid, metadata);
      }
    }),
  );
  return byPid;
}

/** One process's metadata from its stat and status files, or null when stat does not parse. */
export function procMetadata(
  stat: string,
  status: string,
  uptimeSecs: number,
  users: Map<number, string>,
  nowMs: number,
): ProcessMetadata | null {
  // comm sits in parentheses and may itself hold spaces and parentheses: fields start after the last ')'
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const ppid = parseUint(fields[1] ?? '');
  const ticks = (parseUint(fields[11] ?? '') ?? NaN) + (parseUint(fields[12] ?? '') ?? NaN);
  const startTicks = parseUint(fields[19] ?? '');
  if (!state || ppid === null || !Number.isFinite(ticks) || startTicks === null) {
    return null;
  }
  // procps: etime in whole seconds, pcpu in tenths of a percent, both truncated
  const etime = Math.max(0, Math.floor(uptimeSecs - startTicks / HZ));
  const permille = etime > 0 ? Math.floor((ticks * 1000) / HZ / etime) : 0;
  const uid = parseUint(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? '');
  const start = Math.floor(nowMs / 1000) * 1000 - etime * 1000;
  const metadata: ProcessMetadata = {
    cpu_pct: Math.floor(permille / 10) + (permille % 10) / 10,
    ppid,
    user: uid === null ? undefined : psUser(users.get(uid) ?? String(uid)),
    // kernel threads have no VmRSS/VmSize lines: ps shows 0
    mem_rss_bytes: kib(status, 'VmRSS') * 1024,
    mem_virt_bytes: kib(status, 'VmSize') * 1024,
    state: state[0],
    started_at: start >= 0 ? new Date(start).toISOString() : undefined,
  };
  return metadata;
}

function kib(status: string, key: string): number {
  return parseUint(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? '') ?? 0;
}

function psUser(name: string): string {
  return name.length > USER_WIDTH ? `${name.slice(0, USER_WIDTH - 1)}+` : name;
}

/** uid → user name from /etc/passwd text. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    const id = parseUint(uid ?? '');
    if (name && id !== null && !users.has(id)) {
      users.set(id, name);
    }
  }
  return users;
}

/** The pids of the rows, once each. */
export function rowPids(processes: ProcessBandwidth[]): number[] {
  return [...new Set(processes.map((row) => row.pid))].filter((pid): pid is number => pid !== null);
}
