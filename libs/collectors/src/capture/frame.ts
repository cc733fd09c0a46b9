import type { CaptureEvent } from '../network-intel/events';
import { parseDnsMessage } from './dns-message';
import { formatIpv6 } from '../proc-net-tcp';

/** pcap link types we decode (tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  null: 0,
  ethernet: 1,
  /** ours: tun and WireGuard interfaces carry bare IP packets */
  raw: 101,
  loop: 108,
  linuxSll: 113,
  linuxSll2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8];
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
const DNS_PORT = 53;

type Network = 'ipv4' | 'ipv6' | null;

/** The event one captured frame yields, or null. Never throws, whatever the bytes. */
export function decodeFrame(linkType: number, frame: Uint8Array): CaptureEvent | null {
  const start = networkStart(linkType, frame);
  if (!start || start.network === null) {
    return null;
  }
  const packet = frame.subarray(start.offset);
  return start.network === 'ipv4' ? decodeIpv4(packet) : decodeIpv6(packet);
}

function networkStart(linkType: number, f: Uint8Array): { network: Network; offset: number } | null {
  switch (linkType) {
    case LINKTYPE.ethernet: {
      let offset = 12;
      while (f.length >= offset + 2 && ETHERTYPE_VLAN.includes(u16(f, offset))) {
        offset += 4;
      }
      return f.length < offset + 2 ? null : { network: byEtherType(u16(f, offset)), offset: offset + 2 };
    }
    case LINKTYPE.null:
    case LINKTYPE.loop: {
      if (f.length < 4) {
        return null;
      }
      // NULL stores the family in the capturing host's byte order, LOOP in network order
      const big = u32(f, 0);
      const little = ((f[3] << 24) >>> 0) + ((f[2] << 16) | (f[1] << 8) | f[0]);
      const family = linkType === LINKTYPE.loop || little > 0xffff ? big : little;
      return { network: byAddressFamily(family), offset: 4 };
    }
    case LINKTYPE.linuxSll:
      return f.length < 16 ? null : { network: byEtherType(u16(f, 14)), offset: 16 };
    case LINKTYPE.linuxSll2:
      return f.length < 20 ? null : { network: byEtherType(u16(f, 0)), offset: 20 };
    case LINKTYPE.raw: {
      const version = f.length > 0 ? f[0] >> 4 : 0;
      return { network: version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null, offset: 0 };
    }
    default:
      return null;
  }
}

function byEtherType(type: number): Network {
  return type === ETHERTYPE_IPV4 ? 'ipv4' : type === ETHERTYPE_IPV6 ? 'ipv6' : null;
}

function byAddressFamily(family: number): Network {
  // AF_INET6 differs per OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30
  return family === 2 ? 'ipv4' : [10, 24, 28, 30].includes(family) ? 'ipv6' : null;
}

function decodeIpv4(p: Uint8Array): CaptureEvent | null {
  if (p.length < 20 || p[0] >> 4 !== 4) {
    return null;
  }
  const headerLength = (p[0] & 0x0f) * 4;
  const totalLength = u16(p, 2);
  // a later fragment has no transport header
  const fragmentOffset = u16(p, 6) & 0x1fff;
  if (headerLength < 20 || totalLength < headerLength || fragmentOffset !== 0) {
    return null;
  }
  // Ethernet pads short frames: the IP length, not the frame, says where the packet ends
  const end = Math.min(p.length, totalLength);
  return decodeTransport(
    p[9],
    p.subarray(headerLength, end),
    p.subarray(12, 16).join('.'),
    p.subarray(16, 20).join('.'),
  );
}

function decodeIpv6(p: Uint8Array): CaptureEvent | null {
  if (p.length < 40 || p[0] >> 4 !== 6) {
    return null;
  }
  // extension headers are not walked (spec §3.13): only TCP or UDP right after the fixed header
  const end = Math.min(p.length, 40 + u16(p, 4));
  return decodeTransport(
    p[6],
    p.subarray(40, end),
    formatIpv6([...p.subarray(8, 24)]),
    formatIpv6([...p.subarray(24, 40)]),
  );
}

function decodeTransport(protocol: number, t: Uint8Array, src: string, dst: string): CaptureEvent | null {
  if (protocol === PROTO_TCP) {
    if (t.length < 14 || (t[13] & (TCP_SYN | TCP_ACK)) !== TCP_SYN) {
      return null;
    }
    return { kind: 'conn', srcIp: src, dstIp: dst, dstPort: u16(t, 2) };
  }
  if (protocol === PROTO_UDP) {
    if (t.length < 8 || (u16(t, 0) !== DNS_PORT && u16(t, 2) !== DNS_PORT)) {
      return null;
    }
    const udpLength = u16(t, 4);
    const end = udpLength >= 8 ? Math.min(t.length, udpLength) : t.length;
    return parseDnsMessage(t.subarray(8, end), src, dst);
  }
  return null;
}

function u16(b: Uint8Array, offset: number): number {
  return (b[offset] << 8) | b[offset + 1];
}

function u32(b: Uint8Array, offset: number): number {
  return ((b[offset] << 24) >>> 0) + ((b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]);
}
