import { isIP, isIPv4 } from 'node:net';
import { posix } from 'node:path';
import type { CommandRunner } from './command-runner';
import { parseUint } from './parse-number';
import { decodeIpv4Hex } from './proc-net-tcp';
import type { FileReader } from './proc-fs';

/** The health probe targets, fixed at start (spec §3.8, §3.9); null = unknown, never probed. */
export interface HealthTargets {
  gateway: string | null;
  dnsServer: string | null;
}

// the systemd-resolved stub answers from 127.0.0.53, where a ping measures nothing about the network
const RESOLVED_STUB = '127.0.0.53';

/**
 * The default gateway in `/proc/net/route`: among the rows with Destination `00000000` and the `RTF_UP` and
 * `RTF_GATEWAY` flags, the lowest Metric wins, ties by file order. Null when there is none.
 */
export function parseRoute(text: string, littleEndian?: boolean): string | null {
  let best: { gateway: string; metric: number } | null = null;
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const flags = /^[0-9A-Fa-f]{1,8}$/.test(cols[3] ?? '') ? parseInt(cols[3], 16) : 0;
    const metric = parseUint(cols[6]);
    const gateway = decodeIpv4Hex(cols[2] ?? '', littleEndian);
    if (cols[1] !== '00000000' || (flags & 0x3) !== 0x3 || metric === null || gateway === null) {
      continue;
    }
    if (best === null || metric < best.metric) {
      best = { gateway, metric };
    }
  }
  return best?.gateway ?? null;
}

/** The reference's rule on `ip route` output: the 3rd token of the first `default via ` line (IPv4 only). */
export function parseIpRouteDefault(text: string): string | null {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('default via '));
  const gateway = line?.split(/\s+/)[2];
  return gateway !== undefined && isIPv4(gateway) ? gateway : null;
}

/** The first `nameserver <address>` of a resolv.conf; `#` and `;` lines are comments. */
export function parseResolvConf(text: string): string | null {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || line.startsWith(';')) {
      continue;
    }
    const address = /^nameserver\s+(\S+)/.exec(line)?.[1];
    // an address, not a name or an option: the value ends up as an argument of `ping`
    if (address !== undefined && isIP(address) !== 0) {
      return address;
    }
  }
  return null;
}

/** `<proc>/net/route`, or `ip route` (2 s timeout) when that file cannot be read (spec §3.9). */
export async function detectGateway(fs: FileReader, commands: CommandRunner, proc = '/proc'): Promise<string | null> {
  const route = await fs.read(`${proc}/net/route`);
  if (route !== null) {
    return parseRoute(route);
  }
  const ip = await commands.run('ip', ['route'], { timeoutMs: 2000 });
  return ip.ok ? parseIpRouteDefault(ip.stdout) : null;
}

/** `<etc>/resolv.conf`; behind the systemd-resolved stub, the first upstream server when it is listed. */
export async function detectDnsServer(fs: FileReader, etc = '/etc', hostRoot = '/'): Promise<string | null> {
  const text = await fs.read(`${etc}/resolv.conf`);
  const server = text === null ? null : parseResolvConf(text);
  if (server !== RESOLVED_STUB) {
    return server;
  }
  const upstream = await fs.read(posix.join(hostRoot, 'run/systemd/resolve/resolv.conf'));
  return (upstream === null ? null : parseResolvConf(upstream)) ?? server;
}

/**
 * The probe targets, once at start: configured values (`GATEWAY`/`DNS_SERVER`, netwatch's `gateway` and
 * `dns_server`) win over detection. Nothing is detected on platforms other than Linux.
 */
export async function detectHealthTargets(
  fs: FileReader,
  commands: CommandRunner,
  options: {
    gateway?: string | null;
    dnsServer?: string | null;
    proc?: string;
    etc?: string;
    hostRoot?: string;
    platform?: NodeJS.Platform;
  } = {},
): Promise<HealthTargets> {
  const linux = (options.platform ?? process.platform) === 'linux';
  const [gateway, dnsServer] = await Promise.all([
    options.gateway ?? (linux ? detectGateway(fs, commands, options.proc) : null),
    options.dnsServer ?? (linux ? detectDnsServer(fs, options.etc, options.hostRoot) : null),
  ]);
  return { gateway, dnsServer };
}
