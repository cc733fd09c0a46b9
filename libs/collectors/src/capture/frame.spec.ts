import fc from 'fast-check';
import { dns, ethernet, ipv4, ipv6, tcp, udp } from '../../test/fixtures/network-intel/frames';
import { decodeFrame, LINKTYPE } from './frame';

const v6 = (last: number): number[] => [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), last];
const eth4 = (payload: number[]): Uint8Array => Uint8Array.from(ethernet(0x0800, payload));
const synFrame = (flags: number): Uint8Array => eth4(ipv4('10.0.0.1', '10.0.0.2', 6, tcp(40000, 8443, flags)));

describe(decodeFrame.name, () => {
  it('turns a SYN into a connection attempt, even in a padded frame', () => {
    const frame = synFrame(0x02);
    expect(frame.length).toBe(60);
    expect(decodeFrame(LINKTYPE.ethernet, frame)).toEqual({
      kind: 'conn',
      srcIp: '10.0.0.1',
      dstIp: '10.0.0.2',
      dstPort: 8443,
    });
  });

  it.each([
    ['SYN-ACK', 0x12],
    ['ACK', 0x10],
    ['RST', 0x04],
    ['FIN', 0x01],
  ])('ignores a %s', (_name, flags) => {
    expect(decodeFrame(LINKTYPE.ethernet, synFrame(flags))).toBeNull();
  });

  it('counts SYNs with other flags set (ECN) as attempts', () => {
    expect(decodeFrame(LINKTYPE.ethernet, synFrame(0xc2))).toMatchObject({ kind: 'conn', dstPort: 8443 });
  });

  it('skips IPv4 options', () => {
    const packet = ipv4('10.0.0.1', '10.0.0.2', 6, [1, 1, 1, 0, ...tcp(1, 22, 0x02)]);
    packet[0] = 0x46;
    expect(decodeFrame(LINKTYPE.ethernet, eth4(packet))).toMatchObject({ kind: 'conn', dstPort: 22 });
  });

  it('reads DNS only as far as the IP length says, not into Ethernet padding', () => {
    // a name with no terminator: without the IP length, the padding's zero byte would end it
    const message = dns(7, 0x0100, '').slice(0, 12).concat([3, 0x61, 0x62, 0x63]);
    const frame = eth4(ipv4('10.0.0.1', '10.0.0.53', 17, udp(5000, 53, message)));
    expect(frame.length).toBe(60);
    expect(decodeFrame(LINKTYPE.ethernet, frame)).toBeNull();
  });

  it('decodes DNS over IPv6 and names the client and the server from the direction', () => {
    const query = ipv6(v6(0x10), v6(0x53), 17, udp(40000, 53, dns(9, 0x0100, 'example.com')));
    const response = ipv6(v6(0x53), v6(0x10), 17, udp(53, 40000, dns(9, 0x8183, 'example.com')));
    expect(decodeFrame(LINKTYPE.raw, Uint8Array.from(query))).toEqual({
      kind: 'dns-query',
      txid: 9,
      client: '2001:db8::10',
      server: '2001:db8::53',
      qname: 'example.com',
    });
    expect(decodeFrame(LINKTYPE.raw, Uint8Array.from(response))).toEqual({
      kind: 'dns-response',
      txid: 9,
      client: '2001:db8::10',
      server: '2001:db8::53',
      rcode: 3,
    });
  });

  it('reads a bare IPv4 packet (link type RAW)', () => {
    const packet = ipv4('172.16.0.2', '172.16.0.1', 6, tcp(1, 51820, 0x02));
    expect(decodeFrame(LINKTYPE.raw, Uint8Array.from(packet))).toMatchObject({ dstIp: '172.16.0.1' });
  });

  it('reads a NULL family written by a big-endian host', () => {
    const frame = [0, 0, 0, 2, ...ipv4('127.0.0.1', '127.0.0.1', 6, tcp(1, 631, 0x02))];
    expect(decodeFrame(LINKTYPE.null, Uint8Array.from(frame))).toMatchObject({ dstPort: 631 });
  });

  it.each<[string, number, number[]]>([
    [
      'a later IPv4 fragment',
      LINKTYPE.ethernet,
      ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 6, tcp(1, 2, 2), 0x0010)),
    ],
    ['ICMP', LINKTYPE.ethernet, ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 1, [8, 0, 0, 0, 0, 1, 0, 1]))],
    [
      'UDP off port 53',
      LINKTYPE.ethernet,
      ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, udp(5353, 5353, dns(1, 0x0100, 'a.local')))),
    ],
    [
      'DNS without a question',
      LINKTYPE.ethernet,
      ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 17, udp(53, 9, dns(1, 0x8180, '', 0)))),
    ],
    [
      'an IPv4 header that says version 6',
      LINKTYPE.ethernet,
      ethernet(0x0800, [0x65, ...new Array<number>(40).fill(0)]),
    ],
    ['a truncated TCP header', LINKTYPE.ethernet, ethernet(0x0800, ipv4('10.0.0.1', '10.0.0.2', 6, [0, 1, 0, 2]))],
    ['an empty frame', LINKTYPE.ethernet, []],
    ['an empty RAW packet', LINKTYPE.raw, []],
    ['a short cooked header', LINKTYPE.linuxSll, [0, 4, 0, 1]],
    ['an unknown link type', 147, ipv4('10.0.0.1', '10.0.0.2', 6, tcp(1, 2, 2))],
  ])('yields nothing for %s', (_name, linkType, frame) => {
    expect(decodeFrame(linkType, Uint8Array.from(frame))).toBeNull();
  });

  it('never throws on arbitrary bytes for any supported link type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(LINKTYPE)), fc.uint8Array({ maxLength: 200 }), (linkType, bytes) => {
        decodeFrame(linkType, bytes);
      }),
    );
  });
});
