import type { ConnectionDetail, Snapshot } from '@lib/wire-format';
import { afterHeader, eachRunAfterHeader, Pacer, PACE_EVERY } from './pacer';
import type { FileReader } from './proc-fs';

/** Socket counts by TCP state in one `/proc/net/tcp`-style table. */
export interface TcpStateCounts {
  established: number;
  timeWait: number;
  closeWait: number;
}

/** The snapshot fields fed by the TCP state counts; `null` when neither table could be read. */
export type TcpStateFields = Pick<Snapshot, 'tcp_time_wait' | 'tcp_close_wait'>;

/** Counts ESTABLISHED (`01`), TIME_WAIT (`06`) and CLOSE_WAIT (`08`) rows; the header line is skipped. */
export function parseTcpStates(text: string): TcpStateCounts {
  const counts: TcpStateCounts = { established: 0, timeWait: 0, closeWait: 0 };
  countStates(afterHeader(text), counts);
  return counts;
}

/** `parseTcpStates` in runs of about 16 KiB, with the loop handed back between them (see Pacer). */
async function parseTcpStatesPaced(text: string, pacer: Pacer): Promise<TcpStateCounts> {
  const counts: TcpStateCounts = { established: 0, timeWait: 0, closeWait: 0 };
  await eachRunAfterHeader(text, pacer, (run) => countStates(run, counts));
  return counts;
}

function countStates(body: string, counts: TcpStateCounts): void {
  for (const line of body.split('\n')) {
    const state = line.trim().split(/\s+/)[3]?.toUpperCase();
    if (state === '01') {
      counts.established += 1;
    } else if (state === '06') {
      counts.timeWait += 1;
    } else if (state === '08') {
      counts.closeWait += 1;
    }
  }
}

/** TIME_WAIT and CLOSE_WAIT over IPv4 and IPv6 (spec §3.3). A missing table counts as empty. */
export async function collectTcpStates(fs: FileReader, proc = '/proc', pacer = Pacer.never): Promise<TcpStateFields> {
  const texts = await Promise.all([fs.read(`${proc}/net/tcp`), fs.read(`${proc}/net/tcp6`)]);
  const readable = texts.filter((text): text is string => text !== null);
  // ours: "could not look" is null, not 0, so a dashboard does not draw a false zero
  if (readable.length === 0) {
    return { tcp_time_wait: null, tcp_close_wait: null };
  }
  const counts: TcpStateCounts[] = [];
  for (const text of readable) {
    counts.push(await parseTcpStatesPaced(text, pacer));
  }
  return {
    tcp_time_wait: counts.reduce((sum, c) => sum + c.timeWait, 0),
    tcp_close_wait: counts.reduce((sum, c) => sum + c.closeWait, 0),
  };
}

/**
 * Ours: the same two counts from the `ss` rows the cycle already has (ss reads the same kernel sockets over
 * netlink), which spares reading /proc/net/tcp{,6}, the most expensive files of a busy host.
 */
export async function tcpStatesFromSs(rows: readonly ConnectionDetail[], pacer = Pacer.never): Promise<TcpStateFields> {
  let timeWait = 0;
  let closeWait = 0;
  for (let i = 0; i < rows.length; i++) {
    if (i % PACE_EVERY === PACE_EVERY - 1) {
      await pacer.pause();
    }
    const row = rows[i];
    if (row.protocol === 'TCP') {
      if (row.state === 'TIME-WAIT') {
        timeWait += 1;
      } else if (row.state === 'CLOSE-WAIT') {
        closeWait += 1;
      }
    }
  }
  return { tcp_time_wait: timeWait, tcp_close_wait: closeWait };
}
