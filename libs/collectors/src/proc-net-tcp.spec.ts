import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { fixtureFs } from './proc-fs';
import {
  collectProcNetConnections,
  decodeIpv4Hex,
  decodeProcNetAddress,
  formatIpv6,
  parseProcNetSockets,
  parseProcNetSocketsPaced,
} from './proc-net-tcp';
import { Pacer } from './pacer';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/proc-net-tcp', name), 'utf8');

// the captured tables plus the fd links and comm files of the processes that held sockets at capture time
function capturedHost(overrides: Record<string, string | null> = {}) {
  const fd = JSON.parse(fixture('proc-fd.json')) as { files: Record<string, string>; links: Record<string, string> };
  const files: Record<string, string> = { ...fd.files };
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    files[`/proc/net/${table}`] = fixture(`${table}.txt`);
  }
  for (const [path, text] of Object.entries(overrides)) {
    if (text === null) {
      delete files[path];
    } else {
      files[path] = text;
    }
  }
  return { files, links: fd.links };
}

describe('decodeProcNetAddress', () => {
  it('reads IPv4 in host byte order and the port big-endian', () => {
    expect(decodeProcNetAddress('0100007F:1111', true)).toBe('127.0.0.1:4369');
    expect(decodeProcNetAddress('7F000001:0050', false)).toBe('127.0.0.1:80');
  });

  it('prints port 0 as * like ss', () => {
    expect(decodeProcNetAddress('00000000:0000', true)).toBe('0.0.0.0:*');
    expect(decodeProcNetAddress('00000000000000000000000000000000:0000', true)).toBe('[::]:*');
  });

  it('reads IPv6 as four host-order words, in brackets', () => {
    expect(decodeProcNetAddress('00000000000000000000000001000000:1111', true)).toBe('[::1]:4369');
    expect(decodeProcNetAddress('0000000000000000FFFF00000100007F:AE77', true)).toBe('[::ffff:127.0.0.1]:44663');
    expect(decodeProcNetAddress('000080FE00000000FF00FC00010000FE:A5B5', true)).toBe('[fe80::fc:ff:fe00:1]:42421');
    expect(decodeProcNetAddress('FE800000000000000000000000000001:0016', false)).toBe('[fe80::1]:22');
  });

  it('rejects anything that is not 8 or 32 hex digits and a 4-digit port', () => {
    for (const text of ['', '0100007F', '0100007F:50', '0100007G:0050', '0100007F:0050:1', '01000:0050']) {
      expect(decodeProcNetAddress(text, true)).toBeNull();
    }
  });
});

describe('formatIpv6', () => {
  const bytes = (groups: number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);

  it('compresses the longest zero run, the first one on a tie, and never a single group', () => {
    expect(formatIpv6(bytes([0x2001, 0, 0, 1, 0, 0, 0, 1]))).toBe('2001:0:0:1::1');
    expect(formatIpv6(bytes([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]))).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(bytes([0x2001, 0xdb8, 0, 1, 2, 3, 4, 5]))).toBe('2001:db8:0:1:2:3:4:5');
    expect(formatIpv6(bytes([0, 0, 0, 0, 0, 0, 0, 0]))).toBe('::');
    expect(formatIpv6(bytes([1, 0, 0, 0, 0, 0, 0, 0]))).toBe('1::');
  });

  it('writes IPv4-mapped addresses with a dotted quad', () => {
    expect(formatIpv6(bytes([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]))).toBe('::ffff:1.2.3.4');
  });

  it('agrees with the WHATWG URL serializer, which also writes RFC 5952 text', () => {
    // zero-heavy groups, so that runs of every length and position come up
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const text = formatIpv6(bytes(groups));
        expect(isIPv6(text)).toBe(true);
        // URL writes mapped addresses in hex (`::ffff:102:304`), so only the others are compared
        if (!text.includes('.')) {
          expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
        }
      }),
    );
  });
});

describe('decodeIpv4Hex', () => {
  it('reads the little-endian hex of /proc/net/route', () => {
    expect(decodeIpv4Hex('0100000A', true)).toBe('10.0.0.1');
    expect(decodeIpv4Hex('0100000', true)).toBeNull();
  });
});

describe('parseProcNetSockets', () => {
  it('parses captured IPv4 and IPv6 TCP tables', () => {
    const v4 = parseProcNetSockets(fixture('tcp.txt'), 'TCP', true);
    expect(v4).toHaveLength(34);
    expect(v4[0]).toEqual({
      protocol: 'TCP',
      local_addr: '0.0.0.0:2024',
      remote_addr: '0.0.0.0:*',
      state: 'LISTEN',
      inode: 1066,
    });
    expect(v4.find((s) => s.local_addr === '127.0.0.1:57938')).toMatchObject({ state: 'ESTABLISHED', inode: 234135 });
    // TIME-WAIT sockets belong to nobody any more
    expect(v4.filter((s) => s.state === 'TIME-WAIT').every((s) => s.inode === 0)).toBe(true);

    const v6 = parseProcNetSockets(fixture('tcp6.txt'), 'TCP', true);
    expect(v6.map((s) => `${s.local_addr} ${s.remote_addr} ${s.state}`)).toEqual([
      '[::1]:4369 [::]:* LISTEN',
      '[fe80::fc:ff:fe00:1]:42421 [::]:* LISTEN',
      '[::1]:6379 [::]:* LISTEN',
      '[::]:44663 [::]:* LISTEN',
      '[::ffff:127.0.0.1]:44663 [::ffff:127.0.0.1]:57938 ESTABLISHED',
      '[::1]:44663 [::1]:39054 ESTABLISHED',
      '[fe80::fc:ff:fe00:1]:58608 [fe80::fc:ff:fe00:1]:42421 ESTABLISHED',
      '[::1]:39054 [::1]:44663 ESTABLISHED',
      '[fe80::fc:ff:fe00:1]:42421 [fe80::fc:ff:fe00:1]:58608 ESTABLISHED',
    ]);
  });

  it('names every state code the way ss does, in either hex case', () => {
    const states = parseProcNetSockets(fixture('tcp-all-states.txt'), 'TCP', true).map((s) => s.state);
    expect(states).toEqual([
      'ESTABLISHED',
      'SYN-SENT',
      'SYN-RECV',
      'FIN-WAIT-1',
      'FIN-WAIT-2',
      'TIME-WAIT',
      'CLOSE',
      'CLOSE-WAIT',
      'LAST-ACK',
      'LISTEN',
      'CLOSING',
      'UNKNOWN',
      'LISTEN',
    ]);
  });

  it('calls UDP state 07 UNCONN and a connected UDP socket ESTABLISHED', () => {
    expect(parseProcNetSockets(fixture('udp.txt'), 'UDP', true)).toEqual([
      { protocol: 'UDP', local_addr: '127.0.0.1:55256', remote_addr: '0.0.0.0:*', state: 'UNCONN', inode: 234143 },
      {
        protocol: 'UDP',
        local_addr: '127.0.0.1:47753',
        remote_addr: '127.0.0.1:55256',
        state: 'ESTABLISHED',
        inode: 234144,
      },
    ]);
    expect(parseProcNetSockets(fixture('udp6.txt'), 'UDP', true)[0]).toMatchObject({
      local_addr: '[::1]:42975',
      state: 'UNCONN',
    });
  });

  it('formats documentation, mapped, unspecified and link-local IPv6 addresses', () => {
    const rows = parseProcNetSockets(fixture('tcp6-edge.txt'), 'TCP', true);
    expect(rows.map((s) => `${s.local_addr} ${s.remote_addr}`)).toEqual([
      '[2001:db8::1]:443 [2001:db8::2]:51000',
      '[::ffff:1.2.3.4]:8080 [::ffff:10.0.0.5]:60000',
      '[::]:22 [::]:*',
      '[fe80::1]:546 [::]:*',
      '[2001:db8:1:2:3:4:5:6]:1 [2001:0:0:1::1]:2',
      '[2001:db8::1:0:0:1]:3 [::1]:4',
    ]);
  });

  it('never throws, and every row has addresses and a non-negative inode', () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (text, littleEndian) => {
        for (const row of parseProcNetSockets(text, 'TCP', littleEndian)) {
          expect(Number.isSafeInteger(row.inode) && row.inode >= 0).toBe(true);
          expect(row.local_addr).toMatch(/:(\*|\d+)$/);
        }
      }),
    );
  });

  it('survives any truncation of a captured table', () => {
    const text = fixture('tcp6.txt');
    fc.assert(
      fc.property(fc.nat(text.length), (end) => {
        expect(() => parseProcNetSockets(text.slice(0, end), 'TCP', true)).not.toThrow();
      }),
    );
  });
});

describe('parseProcNetSocketsPaced', () => {
  it('gives the rows of parseProcNetSockets, on captured tables and on any text', async () => {
    for (const name of ['tcp.txt', 'tcp6.txt']) {
      const text = fixture(name);
      const pacer = new Pacer(0);
      expect(await parseProcNetSocketsPaced(text, 'TCP', pacer, true, 1)).toEqual(
        parseProcNetSockets(text, 'TCP', true),
      );
      expect(pacer.yields).toBe(text.trimEnd().split('\n').length - 1);
    }
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.integer({ min: 1, max: 100 }), async (text, size) => {
        expect(await parseProcNetSocketsPaced(text, 'UDP', new Pacer(0), true, size)).toEqual(
          parseProcNetSockets(text, 'UDP', true),
        );
      }),
    );
  });
});

describe('collectProcNetConnections', () => {
  it('builds ss-like rows and resolves owners through socket inodes', async () => {
    const { files, links } = capturedHost();
    const rows = await collectProcNetConnections(fixtureFs(files, { links }), '/proc', true);

    expect(rows).toHaveLength(34 + 9 + 2 + 1);
    expect(rows?.find((r) => r.local_addr === '127.0.0.1:52530')).toEqual({
      protocol: 'TCP',
      local_addr: '127.0.0.1:52530',
      remote_addr: '127.0.0.1:4369',
      state: 'ESTABLISHED',
      pid: 2934,
      process_name: 'beam.smp',
    });
    // a name with a space comes from /proc/<pid>/comm, trailing newline removed
    expect(rows?.find((r) => r.local_addr === '[::ffff:127.0.0.1]:44663')).toMatchObject({
      pid: 11345,
      process_name: 'Web Content',
    });
    expect(rows?.find((r) => r.local_addr === '0.0.0.0:2024')).toMatchObject({ pid: null, process_name: null });
    expect(rows?.filter((r) => r.state === 'TIME-WAIT').every((r) => r.pid === null)).toBe(true);
    // no RTT and no byte counters in this source
    expect(rows?.some((r) => 'kernel_rtt_us' in r || 'rx_bytes' in r)).toBe(false);
  });

  it('keeps the pid but not the name when comm is unreadable, and neither without fd links', async () => {
    const { files, links } = capturedHost({ '/proc/2934/comm': null });
    const noComm = await collectProcNetConnections(fixtureFs(files, { links }), '/proc', true);
    expect(noComm?.find((r) => r.local_addr === '127.0.0.1:52530')).toMatchObject({ pid: 2934, process_name: null });

    const hidden = await collectProcNetConnections(fixtureFs(files), '/proc', true);
    expect(hidden?.every((r) => r.pid === null && r.process_name === null)).toBe(true);
  });

  it('gives the same rows when paced, handing the loop back on the way', async () => {
    const { files, links } = capturedHost();
    const pacer = new Pacer(0);
    const paced = await collectProcNetConnections(fixtureFs(files, { links }), '/proc', true, pacer);
    expect(paced).toEqual(await collectProcNetConnections(fixtureFs(files, { links }), '/proc', true));
    expect(pacer.yields).toBeGreaterThanOrEqual(4);
  });

  it('reads what it can, and is null only when no table is readable', async () => {
    const udpOnly = fixtureFs({ '/host/proc/net/udp': fixture('udp.txt') });
    expect(await collectProcNetConnections(udpOnly, '/host/proc', true)).toHaveLength(2);
    expect(await collectProcNetConnections(fixtureFs({}), '/proc', true)).toBeNull();
  });
});
