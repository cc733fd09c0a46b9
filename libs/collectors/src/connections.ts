import type { ConnectionDetail } from '@lib/wire-format';
import type { CommandRunner } from './command-runner';
import { parseDecimal, parseUint } from './parse-number';
import { collectProcNetConnections } from './proc-net-tcp';
import { afterHeader, eachRunAfterHeader, Pacer, PACE_EVERY } from './pacer';
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

// The first whitespace-separated token of a detail line that starts with each name: what splitting the line
// into tokens would find, without the 30-odd strings per socket that split made (a busy host's GC pauses).
const RTT = /(?:^|\s)rtt:(\S*)/;
const BYTES_RECEIVED = /(?:^|\s)bytes_received:(\S*)/;
const BYTES_SENT = /(?:^|\s)bytes_sent:(\S*)/;

/** The `-i` details of a continuation line: `rtt:<srtt>/<rttvar>` in ms, and the TCP byte counters. */
function applyDetails(row: ConnectionDetail, line: string): void {
  const rtt = RTT.exec(line)?.[1];
  const srttUs = (parseDecimal(rtt?.split('/')[0]) ?? NaN) * 1000;
  // a 300-digit value is a finite number of ms but not of µs
  if (Number.isFinite(srttUs)) {
    row.kernel_rtt_us = srttUs;
  }
  if (row.protocol !== 'TCP') {
    return;
  }
  const received = parseUint(BYTES_RECEIVED.exec(line)?.[1]);
  const sent = parseUint(BYTES_SENT.exec(line)?.[1]);
  if (received !== null) {
    row.rx_bytes = received;
  }
  if (sent !== null) {
    row.tx_bytes = sent;
  }
}

/** Appends the sockets of header-less `ss -tunapi` lines to `rows`. */
function parseSsLines(body: string, rows: ConnectionDetail[]): void {
  // the socket that continuation lines belong to; none before the first socket or after a skipped line
  let current: ConnectionDetail | null = null;
  for (const line of body.split('\n')) {
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
}

/** The sockets of `ss -tunapi` output (spec §3.4): header skipped, `ESTAB` spelled `ESTABLISHED`. */
export function parseSs(text: string): ConnectionDetail[] {
  const rows: ConnectionDetail[] = [];
  parseSsLines(afterHeader(text), rows);
  return rows;
}

/** A line that `parseSsLines` reads as a detail line of the socket above: it starts with blank space. */
const continuesSocket = (text: string, at: number): boolean => at < text.length && /[^\S\n]/.test(text[at]);

/**
 * `parseSs` in runs of about `runChars` characters (16 KiB: under 0.5 ms each in V8's interpreter), with the
 * loop handed back between runs: the same rows, without one block of hundreds of ms on a busy host.
 */
export async function parseSsPaced(text: string, pacer: Pacer, runChars = 16_384): Promise<ConnectionDetail[]> {
  const rows: ConnectionDetail[] = [];
  await eachRunAfterHeader(text, pacer, (run) => parseSsLines(run, rows), runChars, continuesSocket);
  return rows;
}

/**
 * `Snapshot.connections` (ESTABLISHED rows first, each group in its original order, then at most `max`) and
 * `connection_count` (ESTABLISHED rows, connected UDP sockets included; spec §3.5), in one paced pass.
 */
export async function summarizeConnections(
  rows: readonly ConnectionDetail[],
  pacer = Pacer.never,
  max = 100,
): Promise<Pick<ConnectionsSample, 'connections' | 'connection_count'>> {
  const established: ConnectionDetail[] = [];
  const others: ConnectionDetail[] = [];
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    if (i % PACE_EVERY === PACE_EVERY - 1) {
      await pacer.pause();
    }
    const row = rows[i];
    if (row.state === 'ESTABLISHED') {
      count++;
      if (established.length < max) {
        established.push(row);
      }
    } else if (others.length < max) {
      others.push(row);
    }
  }
  return { connections: [...established, ...others].slice(0, max), connection_count: count };
}

/**
 * Runs `ss -tunapi` (5 s timeout) and falls back to the `<proc>/net` tables when it cannot run (spec §3.4).
 * Null when neither source is readable, and on platforms other than Linux.
 */
export async function collectConnections(
  fs: FileReader,
  commands: CommandRunner,
  options: { proc?: string; platform?: NodeJS.Platform; pacer?: Pacer } = {},
): Promise<ConnectionsSample | null> {
  const pacer = options.pacer ?? Pacer.never;
  if ((options.platform ?? process.platform) !== 'linux') {
    return null;
  }
  const ss = await commands.run('ss', ['-tunapi'], { timeoutMs: 5000 });
  let source: ConnectionsSample['source'] = 'ss';
  let all: ConnectionDetail[] | null = ss.ok ? await parseSsPaced(ss.stdout, pacer) : null;
  if (all === null) {
    source = 'proc';
    all = await collectProcNetConnections(fs, options.proc ?? '/proc', undefined, pacer);
  }
  if (all === null) {
    return null;
  }
  return { source, all, ...(await summarizeConnections(all, pacer)) };
}
