import type { ConnAttempt } from './events';
import { PortScanDetector } from './port-scan';

const syn = (srcIp: string, dstPort: number, dstIp = '10.0.0.1'): ConnAttempt => ({
  kind: 'conn',
  srcIp,
  dstIp,
  dstPort,
});

/** Sends SYNs to ports 1..n (all at `now`) and returns the alerts. */
function scan(detector: PortScanDetector, src: string, n: number, now: number, firstPort = 1) {
  const alerts = [];
  for (let port = firstPort; port < firstPort + n; port++) {
    alerts.push(detector.observe(syn(src, port), now));
  }
  return alerts.filter((alert) => alert !== null);
}

describe(PortScanDetector.name, () => {
  it('stays quiet at 19 distinct ports and alerts at the 20th, naming the destination of that event', () => {
    const detector = new PortScanDetector();
    expect(scan(detector, '203.0.113.7', 19, 0)).toEqual([]);
    expect(detector.observe(syn('203.0.113.7', 8080, '10.0.0.42'), 1000)).toEqual({
      severity: 'critical',
      category: 'port_scan',
      message: 'Port scan from 203.0.113.7',
      detail: '203.0.113.7 → 20 unique ports in 30s targeting 10.0.0.42',
    });
  });

  it('counts a port once, whatever the destination IP', () => {
    const detector = new PortScanDetector();
    for (let i = 0; i < 50; i++) {
      expect(detector.observe(syn('203.0.113.7', 22, `10.0.0.${i}`), i)).toBeNull();
    }
    expect(scan(detector, '203.0.113.7', 18, 100, 1000)).toEqual([]);
    expect(detector.observe(syn('203.0.113.7', 22), 200)).toBeNull();
  });

  it('alerts once per window (21st port and beyond stay quiet)', () => {
    const detector = new PortScanDetector();
    expect(scan(detector, '203.0.113.7', 100, 0)).toHaveLength(1);
  });

  it('keeps the window open at exactly 30 s and restarts it just after', () => {
    const atEdge = new PortScanDetector();
    scan(atEdge, '198.51.100.1', 19, 0);
    expect(atEdge.observe(syn('198.51.100.1', 20), 30_000)).not.toBeNull();

    const past = new PortScanDetector();
    scan(past, '198.51.100.1', 19, 0);
    expect(past.observe(syn('198.51.100.1', 20), 30_001)).toBeNull();
    // the restarted window holds one port: 19 more are needed
    expect(scan(past, '198.51.100.1', 18, 30_002, 100)).toEqual([]);
    expect(past.observe(syn('198.51.100.1', 200), 30_003)).not.toBeNull();
  });

  it('is tumbling: the window is anchored at its first event, not at the latest', () => {
    const detector = new PortScanDetector();
    // one new port every 2 s: 16 ports by t = 30 s, then the window restarts
    const alerts = [];
    for (let i = 0; i < 30; i++) {
      alerts.push(detector.observe(syn('198.51.100.2', i + 1), i * 2000));
    }
    expect(alerts.filter(Boolean)).toEqual([]);
  });

  it('re-arms in a new window', () => {
    const detector = new PortScanDetector();
    expect(scan(detector, '198.51.100.3', 20, 0)).toHaveLength(1);
    expect(scan(detector, '198.51.100.3', 20, 31_000)).toHaveLength(1);
  });

  it('keeps sources apart', () => {
    const detector = new PortScanDetector();
    for (let port = 1; port <= 19; port++) {
      expect(detector.observe(syn('192.0.2.1', port), 0)).toBeNull();
      expect(detector.observe(syn('192.0.2.2', port), 0)).toBeNull();
    }
  });

  it('prints IPv6 sources as they come', () => {
    const detector = new PortScanDetector();
    const [alert] = scan(detector, '2001:db8::bad', 20, 0);
    expect(alert?.message).toBe('Port scan from 2001:db8::bad');
    expect(alert?.detail).toBe('2001:db8::bad → 20 unique ports in 30s targeting 10.0.0.1');
  });

  it('tracks at most 1000 sources and ignores new ones beyond', () => {
    const detector = new PortScanDetector();
    for (let i = 0; i < 5000; i++) {
      detector.observe(syn(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 1), 0);
    }
    expect(detector.size).toBe(1000);
    expect(scan(detector, '203.0.113.99', 25, 1)).toEqual([]);
    // a known source still works
    expect(scan(detector, '10.0.0.0', 19, 2, 2)).toHaveLength(1);
  });

  it('forgets sources idle for 300 s, and only those', () => {
    const detector = new PortScanDetector();
    detector.observe(syn('192.0.2.1', 1), 0);
    detector.observe(syn('192.0.2.2', 1), 1);
    detector.prune(300_000);
    expect(detector.size).toBe(1);
    detector.prune(300_001);
    expect(detector.size).toBe(0);
  });
});
