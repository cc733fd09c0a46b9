import { type ConnectionDetail, validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureCommands, hostCommands } from './command-runner';
import { collectConnections, parseSs, summarizeConnections } from './connections';
import { Pacer } from './pacer';
import { fixtureFs, hostFs } from './proc-fs';
import { collectProcNetConnections } from './proc-net-tcp';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures', name), 'utf8');

const HEADER = 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n';

// the wire-format validator, plus the rules it cannot know: u32 pids and finite, non-negative RTTs
function expectWireRow(row: ConnectionDetail): void {
  expect(validateSnapshot({ timestamp: '2026-11-22T00:14:54.715Z', interfaces: [], connections: [row] })).toMatchObject(
    { ok: true },
  );
  expect(row.kernel_rtt_us === undefined || row.kernel_rtt_us >= 0).toBe(true);
  expect(Object.values(row)).not.toContain(undefined);
}

function procHost(root = '/proc') {
  const fd = JSON.parse(fixture('proc-net-tcp/proc-fd.json')) as { links: Record<string, string> };
  const files: Record<string, string> = {};
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    files[`${root}/net/${table}`] = fixture(`proc-net-tcp/${table}.txt`);
  }
  return fixtureFs(files, { links: fd.links });
}

describe('parseSs', () => {
  it('parses a captured root run: owners, names with spaces, scoped and mapped IPv6, RTT and bytes', () => {
    const rows = parseSs(fixture('connections/ss-root.txt'));

    expect(rows).toHaveLength(46);
    expect(rows[0]).toEqual({
      protocol: 'UDP',
      local_addr: '127.0.0.1:55256',
      remote_addr: '0.0.0.0:*',
      state: 'UNCONN',
      pid: 11345,
      process_name: 'Web Content',
    });
    expect(rows.find((r) => r.local_addr === '127.0.0.1:57938')).toEqual({
      protocol: 'TCP',
      local_addr: '127.0.0.1:57938',
      remote_addr: '127.0.0.1:44663',
      state: 'ESTABLISHED',
      pid: 11345,
      process_name: 'Web Content',
      kernel_rtt_us: 25,
      rx_bytes: 3000,
      tx_bytes: 1234,
    });
    expect(rows.find((r) => r.local_addr === '[::ffff:127.0.0.1]:44663')).toMatchObject({
      remote_addr: '[::ffff:127.0.0.1]:57938',
      kernel_rtt_us: 56,
      rx_bytes: 1234,
      tx_bytes: 3000,
    });
    expect(rows.find((r) => r.local_addr === '[fe80::fc:ff:fe00:1]%eth0:58608')).toMatchObject({
      remote_addr: '[fe80::fc:ff:fe00:1]:42421',
      state: 'ESTABLISHED',
    });
    expect(rows.find((r) => r.local_addr === '*:44663')).toMatchObject({ remote_addr: '*:*', state: 'LISTEN' });
    // a listener's `-i` line has no rtt; a TIME-WAIT socket has an empty one and no owner
    expect(rows.find((r) => r.local_addr === '0.0.0.0:2024')).toEqual({
      protocol: 'TCP',
      local_addr: '0.0.0.0:2024',
      remote_addr: '0.0.0.0:*',
      state: 'LISTEN',
      pid: null,
      process_name: null,
    });
    expect(rows.filter((r) => r.state === 'TIME-WAIT').every((r) => r.pid === null && !('rx_bytes' in r))).toBe(true);
  });

  it('leaves owners null when ss runs unprivileged, but keeps the kernel details', () => {
    const rows = parseSs(fixture('connections/ss-unprivileged.txt'));
    expect(rows).toHaveLength(46);
    expect(rows.every((r) => r.pid === null && r.process_name === null)).toBe(true);
    expect(rows.find((r) => r.local_addr === '[::1]:39054')).toMatchObject({
      kernel_rtt_us: 74,
      rx_bytes: 3000,
      tx_bytes: 5678,
    });
  });

  it('handles the hand-made edge cases', () => {
    const rows = parseSs(fixture('connections/ss-edge.txt'));
    const byLocal = (addr: string) => rows.find((r) => r.local_addr === addr);

    // the continuation before the first socket and the one after the 5-column TIME-WAIT line are ignored
    expect(rows).toHaveLength(13);
    expect(rows.some((r) => r.local_addr === '10.0.0.5:40002')).toBe(false);
    expect(byLocal('10.0.0.5:40000')).toEqual({
      protocol: 'TCP',
      local_addr: '10.0.0.5:40000',
      remote_addr: '10.0.0.10:80',
      state: 'CLOSE-WAIT',
      pid: null,
      process_name: null,
    });
    expect(byLocal('10.0.0.5:5432')).toMatchObject({ kernel_rtt_us: 412, rx_bytes: 7176166, tx_bytes: 46645 });
    expect(byLocal('192.168.1.20:50412')).toMatchObject({ process_name: 'Web Content', pid: 4242 });
    // several owners: the first one is reported
    expect(byLocal('192.168.1.20:50414')).toMatchObject({ process_name: 'Isolated Web Co', pid: 4300 });
    expect(byLocal('192.168.1.20:50500')).toMatchObject({ state: 'SYN-SENT', tx_bytes: 60 });
    expect(byLocal('192.168.1.20:50500')).not.toHaveProperty('kernel_rtt_us');
    expect(byLocal('[fe80::1c2a:3bff:fe4d:5e6f]%wlan0:22')).toMatchObject({
      remote_addr: '[fe80::aa:bbff:fecc:ddee]:51234',
      pid: null,
      process_name: null,
      kernel_rtt_us: 1500,
    });
    // unparseable rtt and counters are left out rather than guessed
    const mapped = byLocal('[::ffff:10.0.0.5]:8080');
    expect(mapped).toMatchObject({ remote_addr: '[::ffff:1.2.3.4]:60000', pid: 777, process_name: 'node' });
    expect(mapped).not.toHaveProperty('kernel_rtt_us');
    expect(mapped).not.toHaveProperty('rx_bytes');
    expect(mapped).not.toHaveProperty('tx_bytes');
    expect(byLocal('0.0.0.0%eth0:68')).toMatchObject({ protocol: 'UDP', state: 'UNCONN', process_name: 'dhclient' });
    // byte counters are TCP only
    expect(byLocal('10.0.0.5:53000')).toEqual({
      protocol: 'UDP',
      local_addr: '10.0.0.5:53000',
      remote_addr: '10.0.0.2:53',
      state: 'ESTABLISHED',
      pid: 500,
      process_name: 'systemd-resolve',
    });
    expect(byLocal('*:5353')).toMatchObject({ process_name: 'avahi daemon: r', pid: 650 });
    // the pid is read after the name, so a name containing `pid=` does not shadow it
    expect(byLocal('10.0.0.5:41000')).toMatchObject({ process_name: 'pid=9 x', pid: 10 });
    expect(byLocal('10.0.0.5:41002')).toMatchObject({ process_name: null, pid: null });
  });

  it('accepts CRLF line ends, and reads no rows from empty output', () => {
    const text = `${HEADER}tcp ESTAB 0 0 1.1.1.1:1 2.2.2.2:2 users:(("a b",pid=7,fd=1))\r\n\t rtt:1/1\r\n`;
    expect(parseSs(text)).toEqual([
      {
        protocol: 'TCP',
        local_addr: '1.1.1.1:1',
        remote_addr: '2.2.2.2:2',
        state: 'ESTABLISHED',
        pid: 7,
        process_name: 'a b',
        kernel_rtt_us: 1000,
      },
    ]);
    expect(parseSs('')).toEqual([]);
  });

  it('leaves out an RTT that is a finite number of ms but not of µs', () => {
    const [row] = parseSs(`${HEADER}tcp ESTAB 0 0 1.1.1.1:1 2.2.2.2:2\n\t rtt:${'9'.repeat(308)}/1\n`);
    expect(row).not.toHaveProperty('kernel_rtt_us');
  });

  it('reads back any process name without a quote, spaces included', () => {
    const name = fc.string({ minLength: 1 }).filter((s) => !s.includes('"') && !s.includes('\n'));
    fc.assert(
      fc.property(name, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (processName, pid) => {
        const line = `tcp ESTAB 0 0 10.0.0.1:1 10.0.0.2:2 users:(("${processName}",pid=${pid},fd=3))\n`;
        expect(parseSs(HEADER + line)).toEqual([expect.objectContaining({ process_name: processName, pid })]);
      }),
    );
  });

  it('never throws, and every row satisfies the wire rules', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom('\t rtt:', ' bytes_received:', ' bytes_sent:', 'tcp ESTAB 0 0 a b users:(("', ',pid='),
    );
    fc.assert(
      fc.property(fc.array(line), (lines) => {
        parseSs(lines.join('')).forEach(expectWireRow);
        parseSs(lines.join('\n')).forEach(expectWireRow);
      }),
    );
  });

  it('survives any truncation of a captured run', () => {
    const text = fixture('connections/ss-root.txt');
    fc.assert(
      fc.property(fc.nat(text.length), (end) => {
        parseSs(text.slice(0, end)).forEach(expectWireRow);
      }),
      { numRuns: 30 },
    );
  });
});

describe('summarizeConnections', () => {
  const row = (local: string, state: string): ConnectionDetail => ({
    protocol: 'TCP',
    local_addr: local,
    remote_addr: '*:*',
    state,
    pid: null,
    process_name: null,
  });
  const ranked = async (rows: ConnectionDetail[], max?: number) =>
    (await summarizeConnections(rows, undefined, max)).connections.map((r) => r.local_addr);

  it('puts ESTABLISHED first, keeps the original order within each group, then truncates', async () => {
    const rows = [row('a', 'LISTEN'), row('b', 'ESTABLISHED'), row('c', 'TIME-WAIT'), row('d', 'ESTABLISHED')];
    expect(await ranked(rows)).toEqual(['b', 'd', 'a', 'c']);
    expect(await ranked(rows, 3)).toEqual(['b', 'd', 'a']);
    expect(await ranked([row('a', 'LISTEN'), row('b', 'LISTEN'), row('c', 'ESTABLISHED')], 2)).toEqual(['c', 'a']);
  });

  it('keeps at most 100 rows by default', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => row(`${i}`, i % 3 === 0 ? 'ESTABLISHED' : 'LISTEN'));
    const { connections } = await summarizeConnections(rows);
    expect(connections).toHaveLength(100);
    expect(connections.slice(0, 50).every((r) => r.state === 'ESTABLISHED')).toBe(true);
  });

  it('counts TCP and connected UDP sockets', async () => {
    expect((await summarizeConnections(parseSs(fixture('connections/ss-root.txt')))).connection_count).toBe(9);
    expect((await summarizeConnections(parseSs(fixture('connections/ss-edge.txt')))).connection_count).toBe(8);
  });

  it('counts every row and ranks the same when paced through thousands of them', async () => {
    const states = ['ESTABLISHED', 'LISTEN', 'TIME-WAIT'];
    const rows = Array.from({ length: 5000 }, (_, i) => row(`${i}`, states[(i * 7) % 3]));
    const pacer = new Pacer(0);
    const paced = await summarizeConnections(rows, pacer);
    expect(paced.connection_count).toBe(rows.filter((r) => r.state === 'ESTABLISHED').length);
    const expected = [
      ...rows.filter((r) => r.state === 'ESTABLISHED'),
      ...rows.filter((r) => r.state !== 'ESTABLISHED'),
    ];
    expect(paced.connections).toEqual(expected.slice(0, 100));
    expect(pacer.yields).toBe(Math.floor(5000 / 256));
  });
});

describe('collectConnections', () => {
  it('uses ss when it runs', async () => {
    const commands = fixtureCommands({ 'ss -tunapi': fixture('connections/ss-root.txt') });
    const sample = await collectConnections(fixtureFs({}), commands, { platform: 'linux' });

    expect(sample?.source).toBe('ss');
    expect(sample?.all).toHaveLength(46);
    expect(sample?.connection_count).toBe(9);
    expect(sample?.connections).toHaveLength(46);
    expect(sample?.connections.slice(0, 9).every((r) => r.state === 'ESTABLISHED')).toBe(true);
  });

  it('falls back to /proc/net when ss is missing', async () => {
    const sample = await collectConnections(procHost(), fixtureCommands({ 'ss -tunapi': null }), {
      platform: 'linux',
    });

    expect(sample?.source).toBe('proc');
    expect(sample?.all).toHaveLength(46);
    // the same sockets as the ss capture taken at the same moment
    expect(sample?.connection_count).toBe(9);
    expect(sample?.connections[0]).toMatchObject({ local_addr: '127.0.0.1:4369', pid: 2889 });
  });

  it('falls back when ss times out or fails, reading the configured proc root', async () => {
    const commands = fixtureCommands({ 'ss -tunapi': { code: null, stdout: 'Netid State' } });
    const sample = await collectConnections(procHost('/host/proc'), commands, {
      proc: '/host/proc',
      platform: 'linux',
    });
    expect(sample?.source).toBe('proc');
    expect(sample?.connection_count).toBe(9);
  });

  it('is null when neither source is readable, and on other platforms', async () => {
    expect(await collectConnections(fixtureFs({}), fixtureCommands({}), { platform: 'linux' })).toBeNull();
    const commands = fixtureCommands({ 'ss -tunapi': fixture('connections/ss-root.txt') });
    expect(await collectConnections(procHost(), commands, { platform: 'darwin' })).toBeNull();
  });

  (process.platform === 'linux' ? it : it.skip)('reads the real host through ss and through /proc (live)', async () => {
    const sample = await collectConnections(hostFs, hostCommands);
    expect(sample).not.toBeNull();
    sample?.all.forEach(expectWireRow);
    expect(sample?.connection_count).toBe((sample?.all ?? []).filter((r) => r.state === 'ESTABLISHED').length);

    const fallback = await collectProcNetConnections(hostFs);
    expect(fallback).not.toBeNull();
    fallback?.forEach(expectWireRow);
  });
});
