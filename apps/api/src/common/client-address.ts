import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * TRUST_PROXY: off, a number of proxy hops, or the proxies' addresses and CIDRs. Never "every hop": a client
 * then writes its own address in X-Forwarded-For, rotates it for unlimited guesses, or names a victim's.
 */
export type ProxyTrust = false | number | string[];

/** Whether the hop at `address`, `hop` steps from this server, is a proxy whose X-Forwarded-For entry counts. */
export type TrustFunction = (address: string, hop: number) => boolean;

/** The trust function of a setting; it throws on an entry that is neither an address nor a CIDR (TRUST_PROXY's check). */
export function trustFunction(trust: ProxyTrust): TrustFunction {
  if (trust === false) {
    return () => false;
  }
  if (typeof trust === 'number') {
    return (_address, hop) => hop < trust;
  }
  const proxies = new BlockList();
  for (const entry of trust) {
    addProxy(proxies, entry);
  }
  return (address) => {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && proxies.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

function addProxy(proxies: BlockList, entry: string): void {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  const bits = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || (prefix !== undefined && !/^[0-9]{1,3}$/.test(prefix))) {
    throw new Error(`"${entry}" is neither an IP address nor a CIDR such as 10.0.0.0/8`);
  }
  if (prefix === undefined) {
    proxies.addAddress(address, family === 6 ? 'ipv6' : 'ipv4');
    return;
  }
  // A /0 would trust every hop again
  if (Number(prefix) < 1 || Number(prefix) > bits) {
    throw new Error(`"${entry}": the prefix length must be between 1 and ${bits}`);
  }
  proxies.addSubnet(address, Number(prefix), family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address as Fastify's `request.ip` computes it with the same trust: walk X-Forwarded-For from
 * the nearest hop while the hop that wrote the entry is trusted. Entries left of the first untrusted hop are
 * the client's own words and never count.
 */
export function clientAddress(request: IncomingMessage, trust: TrustFunction): string {
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .reverse();
  let address = request.socket.remoteAddress ?? 'unknown';
  for (let hop = 0; hop < forwarded.length && trust(address, hop); hop++) {
    address = forwarded[hop];
  }
  return address;
}

/** `::ffff:10.0.0.1` (a dual-stack socket's IPv4 peer) is `10.0.0.1`. */
export function unmapped(address: string): string {
  const match = /^::ffff:([0-9]{1,3}(?:\.[0-9]{1,3}){3})$/i.exec(address);
  return match ? match[1] : address;
}

/**
 * The throttle's unit for an address: an IPv4 address, or an IPv6 /64. One host usually holds a whole /64,
 * so counting single IPv6 addresses would give it 2^64 fresh budgets.
 */
export function throttleUnit(address: string): string {
  const plain = unmapped(address).replace(/%.*$/, '');
  if (isIP(plain) !== 6) {
    return plain;
  }
  return `${expandIpv6(plain).slice(0, 4).join(':')}::/64`;
}

// Eight 16-bit groups without leading zeros; an embedded IPv4 tail counts as two groups.
function expandIpv6(address: string): string[] {
  const toGroups = (part: string): string[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) {
            return [group];
          }
          const [a, b, c, d] = group.split('.').map(Number);
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
        });
  const [head, tail] = address.toLowerCase().split('::');
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}
