import fc from 'fast-check';
import { readPcapFixture } from '../../test/fixtures/network-intel/frames';
import type { CaptureEvent } from '../network-intel/events';
import { LINKTYPE } from './frame';
import { decodePcap, PcapReader } from './pcap-reader';

const conn = (srcIp: string, dstIp: string, dstPort: number): CaptureEvent => ({ kind: 'conn', srcIp, dstIp, dstPort });

describe(PcapReader.name, () => {
  it.each<[string, number, CaptureEvent[]]>([
    [
      'ethernet-ipv4',
      LINKTYPE.ethernet,
      [
        conn('192.168.1.10', '93.184.215.14', 443),
        { kind: 'dns-query', txid: 0x1a2b, client: '192.168.1.10', server: '192.168.1.1', qname: 'example.com' },
        { kind: 'dns-response', txid: 0x1a2b, client: '192.168.1.10', server: '192.168.1.1', rcode: 0 },
        { kind: 'dns-query', txid: 0x0bad, client: '192.168.1.10', server: '192.168.1.1', qname: 'nope.invalid' },
        { kind: 'dns-response', txid: 0x0bad, client: '192.168.1.10', server: '192.168.1.1', rcode: 3 },
        conn('10.10.0.5', '10.10.0.9', 22),
      ],
    ],
    [
      'ethernet-ipv6',
      LINKTYPE.ethernet,
      [
        conn('2001:db8::10', '2001:db8::1', 443),
        {
          kind: 'dns-query',
          txid: 0xbeef,
          client: 'fe80::5054:ff:fe12:3456',
          server: 'fe80::1',
          qname: 'www.example.org',
        },
        { kind: 'dns-response', txid: 0xbeef, client: 'fe80::5054:ff:fe12:3456', server: 'fe80::1', rcode: 0 },
      ],
    ],
    ['loopback-null', LINKTYPE.null, [conn('127.0.0.1', '127.0.0.1', 8080), conn('::1', '::1', 5432)]],
    [
      'loopback-loop',
      LINKTYPE.loop,
      [
        { kind: 'dns-query', txid: 1, client: '127.0.0.1', server: '127.0.0.53', qname: 'local.lan' },
        conn('::1', '::1', 443),
      ],
    ],
    [
      'linux-cooked',
      LINKTYPE.linuxSll,
      [
        conn('10.0.2.15', '140.82.112.3', 443),
        { kind: 'dns-response', txid: 0x7777, client: '10.0.2.15', server: '10.0.2.3', rcode: 2 },
      ],
    ],
    ['linux-cooked-v2', LINKTYPE.linuxSll2, [conn('2001:db8::10', '2001:db8::53', 853)]],
    [
      'dns-edge',
      LINKTYPE.ethernet,
      [
        {
          kind: 'dns-query',
          txid: 0x4242,
          client: '192.168.1.10',
          server: '8.8.8.8',
          qname: `${'a'.repeat(40)}.${'b'.repeat(40)}.ccccc.tunnel.example`,
        },
      ],
    ],
  ])('decodes the %s fixture', (name, linkType, events) => {
    expect(decodePcap(readPcapFixture(name))).toEqual({ linkType, events, error: null });
  });

  it('gives the same events whatever the chunk boundaries', () => {
    const bytes = readPcapFixture('ethernet-ipv4');
    const whole = decodePcap(bytes).events;
    for (const size of [1, 7, 16, 24, 25, 100]) {
      const reader = new PcapReader();
      const events: CaptureEvent[] = [];
      for (let i = 0; i < bytes.length; i += size) {
        events.push(...reader.push(bytes.subarray(i, i + size)));
      }
      expect(events).toEqual(whole);
    }
  });

  it('waits for a complete global header', () => {
    const reader = new PcapReader();
    expect(reader.push(readPcapFixture('ethernet-ipv4').subarray(0, 23))).toEqual([]);
    expect(reader.linkType).toBeNull();
    expect(reader.error).toBeNull();
  });

  it('stops on a stream that is not pcap', () => {
    const reader = new PcapReader();
    expect(reader.push(Buffer.from('tcpdump: listening on eth0, link-type EN10MB\n'))).toEqual([]);
    expect(reader.error).toBe('not a pcap stream (magic 0x74637064)');
    expect(reader.push(readPcapFixture('ethernet-ipv4'))).toEqual([]);
  });

  it('stops on an impossible record length', () => {
    const bytes = Buffer.from(readPcapFixture('ethernet-ipv4'));
    bytes.writeUInt32LE(0x7fffffff, 24 + 8);
    expect(decodePcap(bytes)).toEqual({ linkType: 1, events: [], error: 'pcap record of 2147483647 bytes' });
  });

  it('ignores records of an unknown link type', () => {
    const bytes = Buffer.from(readPcapFixture('ethernet-ipv4'));
    bytes.writeUInt32LE(105, 20); // IEEE 802.11
    expect(decodePcap(bytes)).toEqual({ linkType: 105, events: [], error: null });
  });

  it('never throws on arbitrary or truncated input', () => {
    const fixture = readPcapFixture('ethernet-ipv4');
    const header = fixture.subarray(0, 24);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(fixture.length), (bytes, cut) => {
        decodePcap(bytes);
        decodePcap(Buffer.concat([header, bytes]));
        decodePcap(fixture.subarray(0, cut));
      }),
    );
  });

  it('never throws on fixtures with random bytes flipped', () => {
    const fixture = readPcapFixture('dns-edge');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(fixture.length - 1), fc.integer({ min: 0, max: 255 }))), (flips) => {
        const bytes = Buffer.from(fixture);
        for (const [at, value] of flips) {
          bytes[at] = value;
        }
        const { events } = decodePcap(bytes);
        for (const event of events) {
          expect(['conn', 'dns-query', 'dns-response']).toContain(event.kind);
        }
      }),
    );
  });
});
