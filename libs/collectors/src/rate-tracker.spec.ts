import { validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectInterfaces, type InterfaceCounters } from './interfaces';
import { fixtureFs, hostFs } from './proc-fs';
import { InterfaceRateTracker } from './rate-tracker';

const counters = (name: string, rx: number, tx: number): InterfaceCounters => ({
  name,
  is_up: true,
  rx_bytes: rx,
  tx_bytes: tx,
  rx_packets: 7,
  tx_packets: 8,
  rx_errors: 1,
  tx_errors: 2,
  rx_drops: 3,
  tx_drops: 4,
});

describe(InterfaceRateTracker.name, () => {
  it('gives zero deltas and rates and no history on the first call', () => {
    const [eth0] = new InterfaceRateTracker().sample([counters('eth0', 1000, 500)], 5_000);
    expect(eth0).toEqual({
      name: 'eth0',
      is_up: true,
      rx_bytes: 1000,
      tx_bytes: 500,
      rx_bytes_delta: 0,
      tx_bytes_delta: 0,
      rx_packets: 7,
      tx_packets: 8,
      rx_errors: 1,
      tx_errors: 2,
      rx_drops: 3,
      tx_drops: 4,
      rx_rate: 0,
      tx_rate: 0,
    });
  });

  it('computes deltas over the elapsed time and truncates the history entries', () => {
    const tracker = new InterfaceRateTracker();
    tracker.sample([counters('eth0', 1000, 500)], 0);
    const [second] = tracker.sample([counters('eth0', 2000, 600)], 15_000);
    expect(second).toMatchObject({ rx_bytes_delta: 1000, tx_bytes_delta: 100, rx_history: [66], tx_history: [6] });
    expect(second.rx_rate).toBeCloseTo(66.667, 3);
    const [third] = tracker.sample([counters('eth0', 3500, 600)], 30_000);
    expect(third).toMatchObject({ rx_rate: 100, tx_rate: 0, rx_history: [66, 100], tx_history: [6, 0] });
  });

  it('caps the histories at 60 samples, oldest dropped first', () => {
    const tracker = new InterfaceRateTracker();
    let metric = tracker.sample([counters('eth0', 0, 0)], 0)[0];
    for (let i = 1; i <= 65; i++) {
      metric = tracker.sample([counters('eth0', i * i * 1000, 0)], i * 1000)[0];
    }
    expect(metric.rx_history).toHaveLength(60);
    // sample i moved i² - (i-1)² = 2i - 1 kB in one second; samples 1 to 5 fell out
    expect(metric.rx_history?.[0]).toBe(11_000);
    expect(metric.rx_history?.[59]).toBe(129_000);
  });

  it('treats a counter that went backwards (reset or 32-bit wrap) as a zero delta', () => {
    const tracker = new InterfaceRateTracker();
    tracker.sample([counters('eth0', 4_294_967_000, 10)], 0);
    const [wrapped] = tracker.sample([counters('eth0', 200, 20)], 1_000);
    expect(wrapped).toMatchObject({ rx_bytes_delta: 0, rx_rate: 0, tx_bytes_delta: 10, rx_history: [0] });
    const [after] = tracker.sample([counters('eth0', 1200, 20)], 2_000);
    expect(after).toMatchObject({ rx_bytes_delta: 1000, rx_rate: 1000, rx_history: [0, 1000] });
  });

  it('starts an interface that appears later with a 0 entry and a zero rate', () => {
    const tracker = new InterfaceRateTracker();
    tracker.sample([counters('eth0', 0, 0)], 0);
    const metrics = tracker.sample([counters('eth0', 100, 0), counters('wg0', 5_000_000, 0)], 1_000);
    expect(metrics[1]).toMatchObject({ name: 'wg0', rx_bytes_delta: 0, rx_rate: 0, rx_history: [0] });
  });

  it('forgets an interface absent from a sample', () => {
    const tracker = new InterfaceRateTracker();
    tracker.sample([counters('eth0', 0, 0), counters('veth9', 100, 0)], 0);
    tracker.sample([counters('eth0', 10, 0)], 1_000);
    const metrics = tracker.sample([counters('eth0', 20, 0), counters('veth9', 900, 0)], 2_000);
    expect(metrics[1]).toMatchObject({ name: 'veth9', rx_bytes_delta: 0, rx_history: [0] });
    expect(metrics[0].rx_history).toEqual([10, 10]);
  });

  it('sorts by name in code-point order', () => {
    const names = ['wlan0', 'eth1', 'Eth0', 'eth0', 'br-1a', 'docker0'];
    const metrics = new InterfaceRateTracker().sample(
      names.map((name) => counters(name, 0, 0)),
      0,
    );
    expect(metrics.map((m) => m.name)).toEqual(['Eth0', 'br-1a', 'docker0', 'eth0', 'eth1', 'wlan0']);
  });

  it('gives zero rates when the clock did not move', () => {
    const tracker = new InterfaceRateTracker();
    tracker.sample([counters('eth0', 0, 0)], 1_000);
    const [same] = tracker.sample([counters('eth0', 500, 0)], 1_000);
    expect(same).toMatchObject({ rx_bytes_delta: 500, rx_rate: 0, rx_history: [0] });
  });

  it('tracks two captured samples of an idle machine', async () => {
    const read = (name: string): Record<string, string> =>
      JSON.parse(readFileSync(join(__dirname, '../test/fixtures/interfaces', name), 'utf8')) as Record<string, string>;
    const tracker = new InterfaceRateTracker();
    tracker.sample(await collectInterfaces(fixtureFs(read('sys-class-net-1.json'))), 0);
    const metrics = tracker.sample(await collectInterfaces(fixtureFs(read('sys-class-net-2.json'))), 1_000);
    // only lo moved between the two captures, and lo is never reported
    expect(metrics.map((m) => [m.name, m.rx_bytes_delta, m.rx_rate, m.rx_history])).toEqual([
      ['eth0', 0, 0, [0]],
      ['ifb0', 0, 0, [0]],
      ['ifb1', 0, 0, [0]],
    ]);
  });

  it('emits wire-valid rows for any sequence of counters and clock steps', () => {
    const counter = fc.oneof(
      fc.nat(),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.constant(2 ** 64 - 2048),
    );
    const row = fc.record({ name: fc.constantFrom('eth0', 'eth1', 'wg0'), rx: counter, tx: counter });
    const steps = fc.array(fc.tuple(fc.array(row, { maxLength: 3 }), fc.nat({ max: 100_000 })), { maxLength: 80 });
    fc.assert(
      fc.property(steps, (sequence) => {
        const tracker = new InterfaceRateTracker();
        let now = 0;
        for (const [rows, step] of sequence) {
          now += step;
          const unique = [...new Map(rows.map((r) => [r.name, counters(r.name, r.rx, r.tx)])).values()];
          const interfaces = tracker.sample(unique, now);
          expect(validateSnapshot({ timestamp: '2026-11-21T22:35:24.512Z', interfaces })).toMatchObject({ ok: true });
          for (const metric of interfaces) {
            expect(metric.rx_rate! >= 0 && metric.tx_rate! >= 0).toBe(true);
            expect(metric.rx_history?.length ?? 0).toBeLessThanOrEqual(60);
          }
        }
      }),
    );
  });
});

describe('on this host', () => {
  const linux = process.platform === 'linux' ? it : it.skip;

  linux('tracks the real interfaces across two samples', async () => {
    const tracker = new InterfaceRateTracker();
    tracker.sample(await collectInterfaces(hostFs), performance.now());
    const interfaces = tracker.sample(await collectInterfaces(hostFs), performance.now());
    expect(interfaces.some((i) => i.name === 'lo')).toBe(false);
    expect(validateSnapshot({ timestamp: '2026-11-21T22:35:24.512Z', interfaces })).toMatchObject({ ok: true });
  });
});
