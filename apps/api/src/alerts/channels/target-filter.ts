import { lookup as dnsLookup, LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { BlockList, isIP, LookupFunction } from 'node:net';
import { Agent, buildConnector, Dispatcher } from 'undici';

/** The code of the error a refused target fails with; http-post turns it into a permanent failure. */
export const PRIVATE_TARGET = 'ERR_WATCHTOWER_PRIVATE_TARGET';

/**
 * Addresses an alert must never reach unless ALERT_ALLOW_PRIVATE_TARGETS says so: a pulse chooses its webhook
 * or Slack URL, and these would let it probe the server's own network (cloud metadata at 169.254.169.254,
 * Redis on loopback, the intranet).
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 3], // multicast, reserved and broadcast
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 reaches IPv4 space, private parts included
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private, link-local, CGNAT, ULA, unspecified or multicast. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) {
    return PRIVATE.check(bare, 'ipv4');
  }
  if (family !== 6) {
    return true;
  }
  // ::ffff:10.0.0.1 is IPv4 in IPv6 clothing: judge the IPv4 address inside
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) {
    return PRIVATE.check(mapped[1], 'ipv4');
  }
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (hex) {
    const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
    return PRIVATE.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
  }
  return PRIVATE.check(bare, 'ipv6');
}

function refused(host: string, addresses: string[]): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(
    `refused: ${host} resolves to a private address (${addresses.join(', ')}); set ALERT_ALLOW_PRIVATE_TARGETS=true to allow it`,
  );
  error.code = PRIVATE_TARGET;
  return error;
}

type Lookup = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookup: Lookup = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `net.connect` lookup that resolves every address and keeps the public ones: the check happens on the very
 * addresses the socket then connects to, so DNS rebinding between a check and the connect cannot slip past.
 */
export function filteringLookup(resolve: Lookup = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    const one = options as LookupOneOptions & { all?: boolean };
    resolve(hostname, { ...one, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const kept = addresses.filter((entry) => !isPrivateAddress(entry.address));
      if (kept.length === 0) {
        callback(
          refused(
            hostname,
            addresses.map((entry) => entry.address),
          ),
          '',
          0,
        );
      } else if (one.all) {
        (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, kept);
      } else {
        callback(null, kept[0].address, kept[0].family);
      }
    });
  };
}

/**
 * The dispatcher for alert targets a pulse chose: public addresses only. An IP literal never reaches the
 * lookup, so the connector checks it itself.
 */
export function publicOnlyDispatcher(resolve?: Lookup): Dispatcher {
  const connector = buildConnector({ lookup: filteringLookup(resolve) });
  return new Agent({
    connect: (options, callback) => {
      if (isIP(options.hostname.replace(/^\[|\]$/g, '')) !== 0 && isPrivateAddress(options.hostname)) {
        callback(refused(options.hostname, [options.hostname]), null);
        return;
      }
      connector(options, callback);
    },
  });
}

/** True when the error, or one of its causes, is a refused private target. */
export function isPrivateTargetError(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.code === PRIVATE_TARGET) {
      return true;
    }
    e = e.cause as typeof e;
  }
  return false;
}
