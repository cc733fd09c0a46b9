import { validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureFs, hostFs } from './proc-fs';
import { parseSs } from './connections';
import { Pacer } from './pacer';
import { collectTcpStates, parseTcpStates, tcpStatesFromSs } from './tcp-states';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/tcp-states', name), 'utf8');

describe('parseTcpStates', () => {
  it('counts the states of a captured IPv4 table', () => {
    expect(parseTcpStates(fixture('tcp.txt'))).toEqual({ established: 2, timeWait: 24, closeWait: 0 });
  });

  it('counts a captured IPv6 table of listeners as nothing', () => {
    expect(parseTcpStates(fixture('tcp6.txt'))).toEqual({ established: 0, timeWait: 0, closeWait: 0 });
  });

  it('reads upper- and lower-case hex and ignores other states', () => {
    expect(parseTcpStates(fixture('tcp-edge.txt'))).toEqual({ established: 1, timeWait: 1, closeWait: 2 });
    expect(parseTcpStates(fixture('tcp6-edge.txt'))).toEqual({ established: 1, timeWait: 2, closeWait: 1 });
  });

  it('skips the header line even when it looks like a socket', () => {
    expect(parseTcpStates('0: a b 01\n0: a b 01\n')).toEqual({ established: 1, timeWait: 0, closeWait: 0 });
  });

  it('never throws and never counts more rows than lines', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const counts = parseTcpStates(text);
        const total = counts.established + counts.timeWait + counts.closeWait;
        expect(total).toBeLessThanOrEqual(Math.max(0, text.split('\n').length - 1));
      }),
    );
  });
});

describe('collectTcpStates', () => {
  it('sums IPv4 and IPv6', async () => {
    const fs = fixtureFs({ '/proc/net/tcp': fixture('tcp-edge.txt'), '/proc/net/tcp6': fixture('tcp6-edge.txt') });
    await expect(collectTcpStates(fs)).resolves.toEqual({ tcp_time_wait: 3, tcp_close_wait: 3 });
  });

  it('counts a large table in paced runs to the same totals', async () => {
    const [header, ...rows] = fixture('tcp.txt').trimEnd().split('\n');
    const large = [header, ...Array.from({ length: 200 }, () => rows).flat()].join('\n');
    expect(large.length).toBeGreaterThan(3 * 16_384);
    const fs = fixtureFs({ '/proc/net/tcp': large });
    const pacer = new Pacer(0);
    await expect(collectTcpStates(fs, '/proc', pacer)).resolves.toEqual({ tcp_time_wait: 24 * 200, tcp_close_wait: 0 });
    expect(pacer.yields).toBeGreaterThanOrEqual(3);
  });

  it('counts a missing table as empty', async () => {
    const fs = fixtureFs({ '/host/proc/net/tcp6': fixture('tcp6-edge.txt') });
    await expect(collectTcpStates(fs, '/host/proc')).resolves.toEqual({ tcp_time_wait: 2, tcp_close_wait: 1 });
  });

  it('emits wire-valid fields for any pair of tables', async () => {
    const table = fc.oneof(
      fc.string(),
      fc.constant(null),
      fc.nat().map((n) => fixture('tcp-edge.txt').slice(0, n)),
    );
    await fc.assert(
      fc.asyncProperty(table, table, async (tcp, tcp6) => {
        const files: Record<string, string> = {};
        if (tcp !== null) {
          files['/proc/net/tcp'] = tcp;
        }
        if (tcp6 !== null) {
          files['/proc/net/tcp6'] = tcp6;
        }
        const fields = await collectTcpStates(fixtureFs(files));
        const snapshot = { timestamp: '2026-11-21T22:35:24.512Z', interfaces: [], ...fields };
        expect(validateSnapshot(snapshot)).toMatchObject({ ok: true });
      }),
    );
  });

  it('reports null, not 0, when neither table can be read', async () => {
    await expect(collectTcpStates(fixtureFs({}))).resolves.toEqual({ tcp_time_wait: null, tcp_close_wait: null });
  });
});

describe('on this host', () => {
  const linux = process.platform === 'linux' ? it : it.skip;

  linux('counts the real tables', async () => {
    const fields = await collectTcpStates(hostFs);
    expect(validateSnapshot({ timestamp: '2026-11-21T22:35:24.512Z', interfaces: [], ...fields })).toMatchObject({
      ok: true,
    });
  });
});

describe(tcpStatesFromSs.name, () => {
  it('counts the same TIME-WAIT and CLOSE-WAIT sockets from ss rows, TCP only', async () => {
    const rows = parseSs(
      [
        'Netid State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
        'tcp   TIME-WAIT  0      0      10.0.0.1:443       10.0.0.2:5000',
        'tcp   TIME-WAIT  0      0      [::1]:443          [::1]:5001',
        'tcp   CLOSE-WAIT 1      0      10.0.0.1:443       10.0.0.3:5002',
        'tcp   ESTAB      0      0      10.0.0.1:22        10.0.0.4:5003',
        'udp   UNCONN     0      0      0.0.0.0:53         0.0.0.0:*',
      ].join('\n'),
    );
    expect(await tcpStatesFromSs(rows)).toEqual({ tcp_time_wait: 2, tcp_close_wait: 1 });
    // paced through thousands of rows: the same counts, the loop handed back on the way
    const many = Array.from({ length: 1000 }, () => rows).flat();
    const pacer = new Pacer(0);
    expect(await tcpStatesFromSs(many, pacer)).toEqual({ tcp_time_wait: 2000, tcp_close_wait: 1000 });
    expect(pacer.yields).toBe(Math.floor(5000 / 256));
  });
});
