import { BandwidthDetector, formatBytes } from './bandwidth';

const T = 100_000_000;
const sample = (rxBps: number, txBps = 0, iface = 'eth0') => ({ iface, rxBps, txBps });

/** Feeds (rx, tx) pairs one cycle apart; returns the alerts. */
function feed(detector: BandwidthDetector, pairs: [number, number][], iface = 'eth0') {
  return pairs
    .map(([rx, tx], i) => detector.observe(sample(rx, tx, iface), i * 15_000))
    .filter((alert) => alert !== null);
}

describe(formatBytes.name, () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [1550, '1.6 KB'],
    [999_999, '1000.0 KB'],
    [1_000_000, '1.0 MB'],
    [200_000_000, '200.0 MB'],
    [1_000_000_000, '1.0 GB'],
    [12_345_678_901, '12.3 GB'],
  ])('%s → %s', (value, text) => {
    expect(formatBytes(value)).toBe(text);
  });
});

describe(BandwidthDetector.name, () => {
  it('alerts on the second sample in a row above the threshold, with the exact text', () => {
    const detector = new BandwidthDetector();
    expect(detector.observe(sample(200_000_000), 0)).toBeNull();
    expect(detector.observe(sample(200_000_000), 15_000)).toEqual({
      severity: 'warning',
      category: 'bandwidth',
      message: 'eth0: bandwidth threshold exceeded',
      detail: 'RX: 200.0 MB/s, TX: 0 B/s (threshold: 100.0 MB/s)',
    });
  });

  it('treats a rate equal to the threshold as not over', () => {
    expect(
      feed(new BandwidthDetector(), [
        [T, T],
        [T, T],
        [T, T],
      ]),
    ).toEqual([]);
    expect(
      feed(new BandwidthDetector(), [
        [T + 1, 0],
        [0, T + 1],
      ]),
    ).toHaveLength(1);
  });

  it('stays active without repeating while over, and through the 90–100 % band', () => {
    const detector = new BandwidthDetector();
    const pairs: [number, number][] = [
      [T + 1, 0],
      [T + 1, 0],
      [T + 1, 0],
      [0.95 * T, 0],
      [T + 1, 0],
      [T + 1, 0],
    ];
    expect(feed(detector, pairs)).toHaveLength(1);
  });

  it('clears only when both directions fall below 90 %', () => {
    const atBand = new BandwidthDetector();
    // exactly 90 % is not below it, and one direction in the band keeps the state
    expect(
      feed(atBand, [
        [T + 1, 0],
        [T + 1, 0],
        [0.9 * T, 0],
        [0, 0.95 * T],
        [T + 1, 0],
        [T + 1, 0],
      ]),
    ).toHaveLength(1);

    const cleared = new BandwidthDetector();
    expect(
      feed(cleared, [
        [T + 1, 0],
        [T + 1, 0],
        [0.9 * T - 1, 0.9 * T - 1],
        [T + 1, 0],
        [T + 1, 0],
      ]),
    ).toHaveLength(2);
  });

  it('does not reset the count in the band, so over-band-over alerts', () => {
    expect(
      feed(new BandwidthDetector(), [
        [T + 1, 0],
        [0.95 * T, 0],
        [T + 1, 0],
      ]),
    ).toHaveLength(1);
    expect(
      feed(new BandwidthDetector(), [
        [T + 1, 0],
        [0, 0],
        [T + 1, 0],
      ]),
    ).toEqual([]);
  });

  it('keeps interfaces apart', () => {
    const detector = new BandwidthDetector();
    expect(detector.observe(sample(T + 1, 0, 'eth0'), 0)).toBeNull();
    expect(detector.observe(sample(T + 1, 0, 'eth1'), 0)).toBeNull();
    expect(detector.observe(sample(T + 1, 0, 'eth1'), 15_000)?.message).toBe('eth1: bandwidth threshold exceeded');
  });

  it('applies a new threshold to every known interface, keeping their counters', () => {
    const detector = new BandwidthDetector(1000);
    expect(detector.observe(sample(1500), 0)).toBeNull();
    detector.setThreshold(2000);
    // 1900 is in the new 90–100 % band: the count of one over stays
    expect(detector.observe(sample(1900), 15_000)).toBeNull();
    expect(detector.observe(sample(2500), 30_000)?.detail).toBe('RX: 2.5 KB/s, TX: 0 B/s (threshold: 2.0 KB/s)');
    expect(detector.observe(sample(2500, 0, 'new0'), 30_000)).toBeNull();
    expect(detector.observe(sample(2500, 0, 'new0'), 45_000)?.detail).toContain('(threshold: 2.0 KB/s)');
  });

  it('fires, once lowered, on rates the old threshold let pass', () => {
    const detector = new BandwidthDetector();
    expect(
      feed(detector, [
        [5000, 0],
        [5000, 0],
        [5000, 0],
      ]),
    ).toEqual([]);
    detector.setThreshold(1000);
    // the count starts from the first sample over the new threshold, so the alert takes two more in a row
    expect(detector.observe(sample(5000), 45_000)).toBeNull();
    expect(detector.observe(sample(5000), 60_000)?.detail).toBe('RX: 5.0 KB/s, TX: 0 B/s (threshold: 1.0 KB/s)');
  });

  it('never prints NaN or negative rates', () => {
    const detector = new BandwidthDetector(10);
    detector.observe(sample(Number.NaN, 15), 0);
    expect(detector.observe(sample(Infinity, 20.7), 1)?.detail).toBe('RX: 0 B/s, TX: 20 B/s (threshold: 10 B/s)');
    expect(detector.observe(sample(-5, Number.NaN), 2)).toBeNull();
    expect(new BandwidthDetector(Number.NaN).observe(sample(1), 0)).toBeNull();
  });

  it('forgets interfaces not sampled for 300 s (ours)', () => {
    const detector = new BandwidthDetector();
    for (let i = 0; i < 2000; i++) {
      detector.observe(sample(0, 0, `veth${i}`), i < 1000 ? 0 : 1);
    }
    detector.prune(300_000);
    expect(detector.size).toBe(1000);
  });
});
