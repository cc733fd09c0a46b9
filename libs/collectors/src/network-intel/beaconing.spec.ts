import { BeaconingDetector } from './beaconing';
import type { ConnAttempt } from './events';

const attempt = (dstPort = 443, srcIp = '10.0.0.5', dstIp = '203.0.113.9'): ConnAttempt => ({
  kind: 'conn',
  srcIp,
  dstIp,
  dstPort,
});

/** Attempts at time 0 and then after each interval (seconds); returns the alerts. */
function run(detector: BeaconingDetector, intervals: number[], event = attempt(), start = 0) {
  let now = start;
  const alerts = [detector.observe(event, now)];
  for (const seconds of intervals) {
    now += Math.round(seconds * 1000);
    alerts.push(detector.observe(event, now));
  }
  return alerts.filter((alert) => alert !== null);
}

describe(BeaconingDetector.name, () => {
  it('needs five intervals (six attempts) and then raises the exact alert', () => {
    expect(run(new BeaconingDetector(), [60, 60, 60, 60])).toEqual([]);
    expect(run(new BeaconingDetector(), [60, 60, 60, 60, 60])).toEqual([
      {
        severity: 'warning',
        category: 'beaconing',
        message: 'Beaconing: 10.0.0.5 → 203.0.113.9:443',
        detail: 'Regular interval 60.0s (jitter 0.0%), 5 samples',
      },
    ]);
  });

  it('alerts just under a jitter of 0.15 and not at or over it', () => {
    // intervals m±d, m±d, m: sd = d·√0.8, so jitter = d·√0.8 / m
    const series = (d: number): number[] => [100 - d, 100 + d, 100 - d, 100 + d, 100];
    const under = run(new BeaconingDetector(), series(16.7));
    expect(under).toHaveLength(1);
    expect(under[0].detail).toBe('Regular interval 100.0s (jitter 14.9%), 5 samples');
    expect(run(new BeaconingDetector(), series(16.8))).toEqual([]);
  });

  it('only keeps intervals whose whole seconds are within 5..3600', () => {
    expect(run(new BeaconingDetector(), [4.999, 4.999, 4.999, 4.999, 4.999, 4.999])).toEqual([]);
    expect(run(new BeaconingDetector(), [5, 5, 5, 5, 5])).toHaveLength(1);
    expect(run(new BeaconingDetector(), [3600.999, 3600.999, 3600.999, 3600.999, 3600.999])).toHaveLength(1);
    expect(run(new BeaconingDetector(), [3601, 3601, 3601, 3601, 3601, 3601])).toEqual([]);
  });

  it('judges only the last 8 intervals', () => {
    const detector = new BeaconingDetector();
    // the irregular start keeps the jitter high until seven 60 s intervals and one more push it out
    expect(run(detector, [10, 500, 30, 60, 60, 60, 60, 60, 60, 60])).toEqual([]);
    expect(detector.observe(attempt(), 1_020_000)?.detail).toBe('Regular interval 60.0s (jitter 0.0%), 8 samples');
  });

  it('alerts once per key and never re-arms while the key is tracked', () => {
    const detector = new BeaconingDetector();
    expect(run(detector, new Array<number>(20).fill(30))).toHaveLength(1);
  });

  it('re-arms after the key was pruned', () => {
    const detector = new BeaconingDetector();
    expect(run(detector, [30, 30, 30, 30, 30])).toHaveLength(1);
    detector.prune(150_000 + 300_000);
    expect(detector.size).toBe(0);
    expect(run(detector, [30, 30, 30, 30, 30], attempt(), 500_000)).toHaveLength(1);
  });

  it('keeps (src, dst, port) keys apart and prints IPv6 destinations without brackets', () => {
    const detector = new BeaconingDetector();
    const v6 = attempt(443, '2001:db8::5', '2001:db8::1');
    expect(run(detector, [30, 30, 30, 30, 30], v6)).toEqual([
      expect.objectContaining({ message: 'Beaconing: 2001:db8::5 → 2001:db8::1:443' }),
    ]);
    expect(run(detector, [30, 30, 30, 30], attempt(444, '2001:db8::5', '2001:db8::1'))).toEqual([]);
  });

  it('tracks at most 500 keys and ignores new ones beyond', () => {
    const detector = new BeaconingDetector();
    for (let port = 1; port <= 3000; port++) {
      detector.observe(attempt(port), 0);
    }
    expect(detector.size).toBe(500);
    expect(run(detector, [30, 30, 30, 30, 30], attempt(4000), 1)).toEqual([]);
  });

  it('forgets keys idle for 300 s, and only those', () => {
    const detector = new BeaconingDetector();
    detector.observe(attempt(1), 0);
    detector.observe(attempt(2), 1);
    detector.prune(300_000);
    expect(detector.size).toBe(1);
  });
});
