import type { ConnectionDetail } from '@lib/wire-format';
import type { CommandRunner } from './command-runner';
import { parseDecimal, parseUint } from './parse-number';
import { collectProcNetConnections } from './proc-net-tcp';
import type { FileReader } from './proc-fs';

/** The connection fields of one snapshot, plus every parsed socket for the process tracker. */
export interface ConnectionsSample {
  /** `ss`, or the `/proc/net` tables when `ss` could not run. */
  source: 'ss' | 'proc';
  /** Every parsed socket, in source order: the input of `ProcessBandwidthTracker.sample`. */
  all: ConnectionDetail[];
  /** `Snapshot.connections`: ESTABLISHED first, at most 100. */
  connections: ConnectionDetail[];
  /** `Snapshot.connection_count`: ESTABLISHED rows, TCP and UDP. */
  connection_count: number;
}

// six whitespace-separated columns, then the process part verbatim (a process name may contain spaces)
const SOCKET_LINE = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(.*)$/s;

/** `users:(("name",pid=N,fd=M),...)`: the first process, or nulls when `ss` could not see the owner. */
function parseUsers(rest: string): Pick<ConnectionDetail, 'pid' | 'process_name'> {
  const open = rest.indexOf('"');
  const close = open < 0 ? -1 : rest.indexOf('"', open + 1);
  const name = close < 0 ? null : rest.slice(open + 1, close);
  // searched after the name, so a process called `pid=1` cannot lend its name as a pid
  const pid = parseUint(/pid=(\d+)/.exec(rest.slice(Math.max(0, close)))?.[1], 2 ** 32);
  return { pid, process_name: name ? name : null };
}

/** The `-i` details of a continuation line: `rtt:<srtt>/<rttvar>` in ms, and the TCP byte counters. */
function applyDetails(row: ConnectionDetail, line: string): void {
  const tokens = line.trim().split(/\s+/);
  const rtt = tokens.find((token) => token.startsWith('rtt:'));
  const srttUs = (parseDecimal(rtt?.slice(4).split('/')[0]) ?? NaN) * 1000;
  // a 300-digit value is a finite number of ms but not of µs
  if (Number.isFinite(srttUs)) {
    row.kernel_rtt_us = srttUs;
  }
  if (row.protocol !== 'TCP') {
    return;
  }
  const counter = (prefix: string) => parseUint(tokens.find((token) => token.startsWith(prefix))?.slice(prefix.length));
  const received = counter('bytes_received:');
  const sent = counter('bytes_sent:');
  if (received !== null) {
    row.rx_bytes = received;
  }
  if (sent !== null) {
    row.tx_bytes = sent;
  }
}

/** The sockets of `ss -tunapi` output (spec §3.4): header skipped, `ESTAB` spelled `ESTABLISHED`. */
export function parseSs(text: string): ConnectionDetail[] {
  const rows: ConnectionDetail[] = [];
  // the socket that continuation lines belong to; none before the first socket or after a skipped line
  let current: ConnectionDetail | null = null;
  for (const line of text.split('\n').slice(1)) {
    if (/^\s/.test(line)) {
      if (current) {
        applyDetails(current, line);
      }
      continue;
    }
    const cols = SOCKET_LINE.exec(line.replace(/\r$/, ''));
    current = cols
      ? {
          protocol: cols[1].toUpperCase(),
          local_addr: cols[5],
          remote_addr: cols[6],
          state: cols[2] === 'ESTAB' ? 'ESTABLISHED' : cols[2],
          ...parseUsers(cols[7]),
        }
      : null;
    if (current) {
      rows.push(current);
    }
  }
  return rows;
}

/** `top_connections`: ESTABLISHED rows first, each group in its original order, then at most `max`. */
export function rankConnections(rows: ConnectionDetail[], max = 100): ConnectionDetail[] {
  const established = rows.filter((row) => row.state === 'ESTABLISHED');
  const others = rows.filter((row) => row.state !== 'ESTABLISHED');
  return [...established, ...others].slice(0, max);
}

/** `connection_count`: ESTABLISHED rows, connected UDP sockets included (spec §3.5). */
export function countEstablished(rows: ConnectionDetail[]): number {
  return rows.filter((row) => row.state === 'ESTABLISHED').length;
}

/**
 * Runs `ss -tunapi` (5 s timeout) and falls back to the `<proc>/net` tables when it cannot run (spec §3.4).
 * Null when neither source is readable, and on platforms other than Linux.
 */
export async function collectConnections(
  fs: FileReader,
  commands: CommandRunner,
  options: { proc?: string; platform?: NodeJS.Platform } = {},
): Promise<ConnectionsSample | null> {
  if ((options.platform ?? process.platform) !== 'linux') {
    return null;
  }
  const ss = await commands.run('ss', ['-tunapi'], { timeoutMs: 5000 });
  let source: ConnectionsSample['source'] = 'ss';
  let all: ConnectionDetail[] | null = ss.ok ? parseSs(ss.stdout) : null;
  if (all === null) {
    source = 'proc';
    all = await collectProcNetConnections(fs, options.proc ?? '/proc');
  }
  if (all === null) {
    return null;
  }
  return { source, all, connections: rankConnections(all), connection_count: countEstablished(all) };
}
