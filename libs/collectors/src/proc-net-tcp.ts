import { endianness } from 'node:os';
import type { ConnectionDetail } from '@lib/wire-format';
import { afterHeader, eachRunAfterHeader, Pacer, PACE_EVERY } from './pacer';
import { parseUint } from './parse-number';
import type { FileReader } from './proc-fs';

/** One socket of a `/proc/net/{tcp,tcp6,udp,udp6}` table, with the inode that links it to its owner. */
export interface ProcNetSocket {
  protocol: 'TCP' | 'UDP';
  local_addr: string;
  remote_addr: string;
  state: string;
  /** 0 for sockets that no process holds any more (TIME-WAIT). */
  inode: number;
}

// the kernel's TCP state numbers in the spelling `ss` prints (spec §3.4.1); UDP reuses 01 and 07
const STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN-SENT',
  '03': 'SYN-RECV',
  '04': 'FIN-WAIT-1',
  '05': 'FIN-WAIT-2',
  '06': 'TIME-WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE-WAIT',
  '09': 'LAST-ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

const hostLittleEndian = endianness() === 'LE';

/** The bytes of a hex address from `/proc`, which prints each 32-bit word in host byte order. */
function addressBytes(hex: string, littleEndian: boolean): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    const wordBytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(word + i, word + i + 2), 16));
    bytes.push(...(littleEndian ? wordBytes.reverse() : wordBytes));
  }
  return bytes;
}

/** `0100007F` → `127.0.0.1` on a little-endian host; null unless exactly 8 hex digits. */
export function decodeIpv4Hex(hex: string, littleEndian = hostLittleEndian): string | null {
  return /^[0-9A-Fa-f]{8}$/.test(hex) ? addressBytes(hex, littleEndian).join('.') : null;
}

/** RFC 5952 text of 16 address bytes, as `inet_ntop` prints it (IPv4-mapped as `::ffff:a.b.c.d`). */
export function formatIpv6(bytes: number[]): string {
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => (bytes[i] << 8) | bytes[i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  // the longest run of two or more zero groups becomes `::`, the first one on a tie
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) {
      length++;
    }
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) {
    return hex.join(':');
  }
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** `ADDR:PORT` from a `/proc/net` table in `ss` notation: `a.b.c.d:port`, `[v6]:port`, port 0 as `*`. */
export function decodeProcNetAddress(text: string, littleEndian = hostLittleEndian): string | null {
  const match = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!match) {
    return null;
  }
  const port = parseInt(match[2], 16);
  const bytes = addressBytes(match[1], littleEndian);
  const host = bytes.length === 4 ? bytes.join('.') : `[${formatIpv6(bytes)}]`;
  return `${host}:${port === 0 ? '*' : port}`;
}

/** Appends the sockets of header-less `/proc/net` table lines to `sockets` (malformed rows skipped). */
function parseProcNetLines(
  body: string,
  protocol: 'TCP' | 'UDP',
  littleEndian: boolean,
  sockets: ProcNetSocket[],
): void {
  for (const line of body.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const local = decodeProcNetAddress(cols[1] ?? '', littleEndian);
    const remote = decodeProcNetAddress(cols[2] ?? '', littleEndian);
    const code = (cols[3] ?? '').toUpperCase();
    if (local === null || remote === null || !/^[0-9A-F]{2}$/.test(code)) {
      continue;
    }
    // `ss` calls an unconnected UDP socket UNCONN; unknown numbers are printed as ss does
    const state = protocol === 'UDP' && code === '07' ? 'UNCONN' : (STATES[code] ?? 'UNKNOWN');
    sockets.push({ protocol, local_addr: local, remote_addr: remote, state, inode: parseUint(cols[9]) ?? 0 });
  }
}

/** The rows of one `/proc/net/{tcp,tcp6,udp,udp6}` table (header skipped; malformed rows skipped). */
export function parseProcNetSockets(
  text: string,
  protocol: 'TCP' | 'UDP',
  littleEndian = hostLittleEndian,
): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  parseProcNetLines(afterHeader(text), protocol, littleEndian, sockets);
  return sockets;
}

/** `parseProcNetSockets` in runs of about 16 KiB, with the loop handed back between them (see Pacer). */
export async function parseProcNetSocketsPaced(
  text: string,
  protocol: 'TCP' | 'UDP',
  pacer: Pacer,
  littleEndian = hostLittleEndian,
  runChars = 16_384,
): Promise<ProcNetSocket[]> {
  const sockets: ProcNetSocket[] = [];
  await eachRunAfterHeader(text, pacer, (run) => parseProcNetLines(run, protocol, littleEndian, sockets), runChars);
  return sockets;
}

/** Socket inode → owning pid, from the `socket:[<inode>]` links in `<proc>/<pid>/fd`; the lowest pid wins. */
async function socketOwners(
  fs: FileReader,
  proc: string,
  wanted: Set<number>,
  pacer: Pacer,
): Promise<Map<number, number>> {
  const pids = (await fs.list(proc))
    .map((name) => parseUint(name, 2 ** 32))
    .filter((pid): pid is number => pid !== null)
    .sort((a, b) => a - b);
  const owners = new Map<number, number>();
  const perPid = await Promise.all(
    pids.map(async (pid) => {
      const fds = await fs.list(`${proc}/${pid}/fd`);
      return { pid, targets: await Promise.all(fds.map(async (fd) => fs.link(`${proc}/${pid}/fd/${fd}`))) };
    }),
  );
  let seen = 0;
  for (const { pid, targets } of perPid) {
    for (const target of targets) {
      if (++seen % PACE_EVERY === 0) {
        await pacer.pause();
      }
      const inode = parseUint(/^socket:\[(\d+)\]$/.exec(target ?? '')?.[1]);
      if (inode !== null && wanted.has(inode) && !owners.has(inode)) {
        owners.set(inode, pid);
      }
    }
  }
  return owners;
}

/**
 * Connections from `<proc>/net/{tcp,tcp6,udp,udp6}` when `ss` cannot run (spec §3.4.1): the same rows as
 * `ss` without RTT or byte counters, owners resolved through socket inodes when `/proc/<pid>/fd` is readable.
 * Null when none of the four tables can be read.
 */
export async function collectProcNetConnections(
  fs: FileReader,
  proc = '/proc',
  littleEndian = hostLittleEndian,
  pacer = Pacer.never,
): Promise<ConnectionDetail[] | null> {
  const tables = [
    ['tcp', 'TCP'],
    ['tcp6', 'TCP'],
    ['udp', 'UDP'],
    ['udp6', 'UDP'],
  ] as const;
  const texts = await Promise.all(tables.map(async ([file]) => fs.read(`${proc}/net/${file}`)));
  if (texts.every((text) => text === null)) {
    return null;
  }
  const sockets: ProcNetSocket[] = [];
  for (const [i, text] of texts.entries()) {
    for (const socket of text === null ? [] : await parseProcNetSocketsPaced(text, tables[i][1], pacer, littleEndian)) {
      sockets.push(socket);
    }
  }
  const wanted = new Set(sockets.map((s) => s.inode).filter((inode) => inode > 0));
  const owners = wanted.size > 0 ? await socketOwners(fs, proc, wanted, pacer) : new Map<number, number>();
  const names = new Map<number, string | null>();
  await Promise.all(
    [...new Set(owners.values())].map(async (pid) => {
      const comm = (await fs.read(`${proc}/${pid}/comm`))?.replace(/\n$/, '');
      names.set(pid, comm ? comm : null);
    }),
  );
  const rows: ConnectionDetail[] = [];
  for (const socket of sockets) {
    if (rows.length % PACE_EVERY === 0) {
      await pacer.pause();
    }
    const pid = owners.get(socket.inode) ?? null;
    rows.push({
      protocol: socket.protocol,
      local_addr: socket.local_addr,
      remote_addr: socket.remote_addr,
      state: socket.state,
      pid,
      process_name: pid === null ? null : (names.get(pid) ?? null),
    });
  }
  return rows;
}
