import fc from 'fast-check';
import { dns } from '../../test/fixtures/network-intel/frames';
import { parseDnsMessage } from './dns-message';

const parse = (bytes: number[]): ReturnType<typeof parseDnsMessage> =>
  parseDnsMessage(Uint8Array.from(bytes), '10.0.0.2', '10.0.0.53');

describe(parseDnsMessage.name, () => {
  it('reads the first question of a query', () => {
    expect(parse(dns(0xffff, 0x0100, 'Mail.Example.COM'))).toEqual({
      kind: 'dns-query',
      txid: 0xffff,
      client: '10.0.0.2',
      server: '10.0.0.53',
      qname: 'Mail.Example.COM',
    });
  });

  it('reads the root name as an empty qname', () => {
    expect(parse(dns(1, 0x0100, ''))).toMatchObject({ kind: 'dns-query', qname: '' });
  });

  it('takes rcode from the low 4 bits of byte 3 and swaps the roles for a response', () => {
    expect(parse(dns(2, 0x8583, 'x.test'))).toEqual({
      kind: 'dns-response',
      txid: 2,
      client: '10.0.0.53',
      server: '10.0.0.2',
      rcode: 3,
    });
  });

  it('keeps a 63-byte label and a name longer than 80 bytes', () => {
    const name = `${'x'.repeat(63)}.${'y'.repeat(63)}.example`;
    expect(parse(dns(3, 0x0100, name))).toMatchObject({ qname: name });
  });

  it.each<[string, number[]]>([
    ['a header shorter than 12 bytes', [0, 1, 1, 0, 0, 1]],
    ['qdcount 0', dns(4, 0x0100, 'a.test', 0)],
    ['a compression pointer', [...dns(5, 0x0100, '').slice(0, 12), 1, 0x61, 0xc0, 0x0c, 0, 1, 0, 1]],
    ['an extended label type', [...dns(6, 0x0100, '').slice(0, 12), 0x41, 0x61, 0]],
    ['a non-ASCII byte', [...dns(7, 0x0100, '').slice(0, 12), 2, 0xc3, 0xa9, 0]],
    ['a label running past the end', [...dns(8, 0x0100, '').slice(0, 12), 10, 0x61]],
    ['a name without its terminator', [...dns(9, 0x0100, '').slice(0, 12), 1, 0x61]],
  ])('yields nothing for %s', (_name, bytes) => {
    expect(parse(bytes)).toBeNull();
  });

  it('never throws, and any qname it yields is ASCII', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const event = parseDnsMessage(bytes, 'a', 'b');
        if (event?.kind === 'dns-query') {
          expect(/^[\x00-\x7f]*$/.test(event.qname)).toBe(true);
        }
      }),
    );
  });
});
