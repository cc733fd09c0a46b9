import type { DnsQuery, DnsResponse } from '../network-intel/events';

const HEADER_BYTES = 12;

/**
 * The event a DNS message over UDP yields (collectors spec §3.13), or null. `src`/`dst` are the packet's
 * addresses. A query needs a plain first question name: a compression pointer, an extended label type,
 * a non-ASCII byte or a name running past the payload yields nothing.
 */
export function parseDnsMessage(payload: Uint8Array, src: string, dst: string): DnsQuery | DnsResponse | null {
  if (payload.length < HEADER_BYTES) {
    return null;
  }
  const txid = (payload[0] << 8) | payload[1];
  const isResponse = (payload[2] & 0x80) !== 0;
  const qdcount = (payload[4] << 8) | payload[5];
  if (qdcount === 0) {
    return null;
  }
  if (isResponse) {
    return { kind: 'dns-response', txid, client: dst, server: src, rcode: payload[3] & 0x0f };
  }
  const qname = readName(payload, HEADER_BYTES);
  return qname === null ? null : { kind: 'dns-query', txid, client: src, server: dst, qname };
}

function readName(payload: Uint8Array, start: number): string | null {
  const labels: string[] = [];
  let offset = start;
  while (offset < payload.length) {
    const length = payload[offset];
    if (length === 0) {
      return labels.join('.');
    }
    // 0xc0 is a compression pointer, 0x40 and 0x80 are extended label types: none is a plain label
    if (length & 0xc0 || offset + 1 + length > payload.length) {
      return null;
    }
    const label = payload.subarray(offset + 1, offset + 1 + length);
    if (label.some((byte) => byte > 0x7f)) {
      return null;
    }
    labels.push(String.fromCharCode(...label));
    offset += 1 + length;
  }
  return null;
}
