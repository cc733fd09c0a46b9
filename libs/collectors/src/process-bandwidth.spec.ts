import { type ConnectionDetail, validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSs } from './connections';
import { Pacer } from './pacer';
import { ProcessBandwidthTracker } from './process-bandwidth';

const captured = parseSs(readFileSync(join(__dirname, '../test/fixtures/connections/ss-root.txt'), 'utf8'));

function conn(
  local: string,
  name: string | null,
  pid: number | null,
  bytes?: [rx: number, tx: number],
  state = 'ESTABLISHED',
): ConnectionDetail {
  const row: ConnectionDetail = {
    protocol: 'TCP',
    local_addr: local,
    remote_addr: '10.0.0.9:443',
    state,
    pid,
    process_name: name,
  };
  return bytes ? { ...row, rx_bytes: bytes[0], tx_bytes: bytes[1] } : row;
}

describe(ProcessBandwidthTracker.name, () => {
  it('reports connection counts with zero bytes and rates on the first sample', async () => {
    const rows = await new ProcessBandwidthTracker().sample(captured, 1_000);

    // first-seen order: ss lists the connected UDP socket of Web Content before any TCP socket
    expect(rows).toEqual([
      {
        process_name: 'Web Content',
        pid: 11345,
        rx_bytes: 0,
        tx_bytes: 0,
        rx_rate: 0,
        tx_rate: 0,
        connection_count: 7,
      },
      expect.objectContaining({ process_name: 'epmd', pid: 2889, connection_count: 1, rx_rate: 0 }),
      expect.objectContaining({ process_name: 'beam.smp', pid: 2934, connection_count: 1, rx_rate: 0 }),
    ]);
  });

  it('turns counter growth into bytes of the interval and rates, across several samples', async () => {
    const tracker = new ProcessBandwidthTracker();
    await tracker.sample(captured, 0);
    // 15 s later the Web Content sockets moved 1500 bytes in and 300 out each
    const later = captured.map((row) =>
      row.process_name === 'Web Content' && row.rx_bytes !== undefined && row.tx_bytes !== undefined
        ? { ...row, rx_bytes: row.rx_bytes + 1500, tx_bytes: row.tx_bytes + 300 }
        : row,
    );
    const second = await tracker.sample(later, 15_000);
    // six of its seven ESTABLISHED sockets carry counters (the connected UDP socket has none)
    expect(second[0]).toEqual({
      process_name: 'Web Content',
      pid: 11345,
      rx_bytes: 9000,
      tx_bytes: 1800,
      rx_rate: 600,
      tx_rate: 120,
      connection_count: 7,
    });
    expect(second.slice(1).every((row) => row.rx_bytes === 0 && row.rx_rate === 0)).toBe(true);

    // nothing moved during the third interval: bytes are per interval, not cumulative
    const third = await tracker.sample(later, 30_000);
    expect(third.find((row) => row.process_name === 'Web Content')).toMatchObject({ rx_bytes: 0, rx_rate: 0 });
  });

  it('groups by name and pid, naming unknown owners pid:<pid> or pid:0', async () => {
    const rows = await new ProcessBandwidthTracker().sample(
      [
        conn('a:1', 'nginx', 10),
        conn('a:2', 'nginx', 10),
        conn('a:3', 'nginx', 11),
        conn('a:4', null, 42),
        conn('a:5', null, null),
        conn('a:6', null, null),
        conn('a:7', 'nginx', 10, undefined, 'LISTEN'),
        conn('a:8', 'sshd', 5, undefined, 'TIME-WAIT'),
      ],
      0,
    );
    expect(rows.map((r) => [r.process_name, r.pid, r.connection_count])).toEqual([
      ['nginx', 10, 2],
      ['nginx', 11, 1],
      ['pid:42', 42, 1],
      ['pid:0', null, 2],
    ]);
  });

  it('gives zero for a socket that is new, returns after a gap, or whose counters went backwards', async () => {
    const tracker = new ProcessBandwidthTracker();
    await tracker.sample([conn('a:1', 'app', 1, [1000, 1000])], 0);
    const reset = await tracker.sample(
      [conn('a:1', 'app', 1, [10, 5000]), conn('a:2', 'app', 1, [9999, 9999])],
      10_000,
    );
    expect(reset[0]).toMatchObject({ rx_bytes: 0, tx_bytes: 4000, rx_rate: 0, tx_rate: 400, connection_count: 2 });

    // a:2 was missing from one sample, so it was forgotten and counts as new again
    await tracker.sample([conn('a:1', 'app', 1, [10, 5000])], 20_000);
    const back = await tracker.sample([conn('a:2', 'app', 1, [20000, 20000])], 30_000);
    expect(back[0]).toMatchObject({ rx_bytes: 0, tx_bytes: 0 });
  });

  it('forgets sockets that are no longer ESTABLISHED, and sockets without counters count but move nothing', async () => {
    const tracker = new ProcessBandwidthTracker();
    await tracker.sample([conn('a:1', 'app', 1, [100, 100]), conn('a:2', 'app', 1)], 0);
    await tracker.sample([conn('a:1', 'app', 1, [200, 200], 'CLOSE-WAIT')], 1_000);
    const rows = await tracker.sample([conn('a:1', 'app', 1, [300, 300]), conn('a:2', 'app', 1)], 2_000);
    expect(rows).toEqual([expect.objectContaining({ rx_bytes: 0, tx_bytes: 0, connection_count: 2 })]);
  });

  it('has zero rates when no time passed, while still counting the bytes', async () => {
    const tracker = new ProcessBandwidthTracker();
    await tracker.sample([conn('a:1', 'app', 1, [0, 0])], 5_000);
    expect(await tracker.sample([conn('a:1', 'app', 1, [50, 70])], 5_000)).toEqual([
      expect.objectContaining({ rx_bytes: 50, tx_bytes: 70, rx_rate: 0, tx_rate: 0 }),
    ]);
  });

  it('ranks by total rate, keeps first-seen order on ties, and keeps max rows', async () => {
    const tracker = new ProcessBandwidthTracker();
    const sockets = (step: number) =>
      Array.from({ length: 30 }, (_, i) => conn(`a:${i}`, `p${i}`, i + 1, [step * (i % 4), step * (i % 2)]));
    await tracker.sample(sockets(0), 0);
    const rows = await tracker.sample(sockets(10), 1_000);

    expect(rows).toHaveLength(25);
    // p1 and p2 both total 20 B/s: p1 was seen first
    expect(rows.slice(0, 9).map((r) => r.process_name)).toEqual([
      'p3',
      'p7',
      'p11',
      'p15',
      'p19',
      'p23',
      'p27',
      'p1',
      'p2',
    ]);
    expect(await tracker.sample(sockets(20), 2_000, 3)).toHaveLength(3);
  });

  it('gives the same rows when paced through thousands of sockets, handing the loop back on the way', async () => {
    const many = (bytes: number) =>
      Array.from({ length: 3000 }, (_, i) => conn(`a:${i}`, `p${i % 7}`, i % 7, [bytes * (i + 1), bytes]));
    const plain = new ProcessBandwidthTracker();
    const paced = new ProcessBandwidthTracker();
    const pacer = new Pacer(0);
    expect(await paced.sample(many(1), 0, 25, pacer)).toEqual(await plain.sample(many(1), 0));
    expect(await paced.sample(many(5), 1_000, 25, pacer)).toEqual(await plain.sample(many(5), 1_000));
    expect(pacer.yields).toBe(2 * Math.floor(3000 / 256));
  });

  it('emits wire-valid, ranked rows for any sequence of samples', async () => {
    const socket = fc.record({
      local: fc.constantFrom('a:1', 'a:2', 'a:3', 'a:4'),
      name: fc.option(fc.constantFrom('x', 'y', 'Web Content'), { nil: null }),
      pid: fc.option(fc.nat(5), { nil: null }),
      state: fc.constantFrom('ESTABLISHED', 'LISTEN'),
      bytes: fc.option(fc.tuple(fc.nat(2 ** 40), fc.nat(2 ** 40)), { nil: undefined }),
    });
    const step = fc.tuple(fc.array(socket, { maxLength: 8 }), fc.double({ noNaN: false }));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 6 }), fc.integer({ min: 1, max: 30 }), async (steps, max) => {
        const tracker = new ProcessBandwidthTracker();
        for (const [sockets, now] of steps) {
          const rows = await tracker.sample(
            sockets.map((s) => conn(s.local, s.name, s.pid, s.bytes, s.state)),
            now,
            max,
          );
          expect(rows.length).toBeLessThanOrEqual(max);
          expect(
            validateSnapshot({ timestamp: '2026-11-22T00:14:54.715Z', interfaces: [], processes: rows }),
          ).toMatchObject({ ok: true });
          expect(rows.every((row) => row.rx_rate >= 0 && row.tx_rate >= 0)).toBe(true);
          const totals = rows.map((r) => r.rx_rate + r.tx_rate);
          expect(totals).toEqual([...totals].sort((a, b) => b - a));
        }
      }),
    );
  });
});
