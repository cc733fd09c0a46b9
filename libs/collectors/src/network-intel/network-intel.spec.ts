import { validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { FakeChild, fakeSpawner } from '../../test/fixtures/network-intel/fake-child';
import { readPcapFixture } from '../../test/fixtures/network-intel/frames';
import { TcpdumpSource } from '../capture/tcpdump-source';
import { ManualClock, systemClock } from './clock';
import type { CaptureEvent, ConnAttempt } from './events';
import { ManualEventSource } from './manual-source';
import { NetworkIntel } from './network-intel';

const syn = (srcIp: string, dstPort: number): ConnAttempt => ({ kind: 'conn', srcIp, dstIp: '10.0.0.1', dstPort });

async function started(startsAs: 'active' | 'unavailable' = 'active') {
  const clock = new ManualClock(0, Date.UTC(2026, 5, 11, 10, 0, 0));
  const source = new ManualEventSource(startsAs);
  const intel = new NetworkIntel({ clock, source, bandwidthThreshold: 1000 });
  await intel.start();
  return { clock, source, intel };
}

describe(NetworkIntel.name, () => {
  it('runs only the bandwidth detector without a source, and says capture is off', async () => {
    const clock = new ManualClock();
    const intel = new NetworkIntel({ clock, bandwidthThreshold: 1000 });
    await expect(intel.start()).resolves.toBe('off');
    intel.observeRates([{ iface: 'eth0', rxBps: 2000, txBps: 0 }]);
    clock.advance(15_000);
    intel.observeRates([{ iface: 'eth0', rxBps: 2000, txBps: 0 }]);
    intel.tick();
    const snapshot = intel.snapshot();
    expect(snapshot.packetCapture).toBe('off');
    expect(snapshot.dnsAnalytics).toBeUndefined();
    expect(snapshot.alerts.map((a) => a.category)).toEqual(['bandwidth']);
    await intel.stop();
  });

  it('reports a capture that could not start as unavailable', async () => {
    const { source, intel } = await started('unavailable');
    source.emit({ kind: 'dns-query', txid: 1, client: 'a', server: 'b', qname: 'example.com' });
    expect(intel.snapshot()).toEqual({ alerts: [], dnsAnalytics: undefined, packetCapture: 'unavailable' });
  });

  it('feeds capture events to the detectors and stamps alerts with wall-clock time', async () => {
    const { clock, source, intel } = await started();
    clock.advance(1234);
    for (let port = 1; port <= 20; port++) {
      source.emit(syn('203.0.113.7', port));
    }
    source.emit({ kind: 'dns-query', txid: 9, client: '10.0.0.2', server: '10.0.0.53', qname: 'www.example.com' });
    clock.advance(30);
    source.emit({ kind: 'dns-response', txid: 9, client: '10.0.0.2', server: '10.0.0.53', rcode: 3 });
    expect(intel.snapshot()).toEqual({
      alerts: [
        {
          severity: 'critical',
          category: 'port_scan',
          message: 'Port scan from 203.0.113.7',
          detail: '203.0.113.7 → 20 unique ports in 30s targeting 10.0.0.1',
          timestamp: '2026-06-11T10:00:01.234Z',
        },
      ],
      dnsAnalytics: {
        total_queries: 1,
        total_responses: 1,
        nxdomain_count: 1,
        latency_buckets: [0, 0, 0, 1, 0, 0, 0, 0],
        top_domains: [['example.com', 1]],
      },
      packetCapture: 'active',
    });
    await intel.stop();
    expect(intel.packetCapture).toBe('off');
  });

  it('shows an alert in the four snapshots of a 15 s cadence that follow it', async () => {
    const { clock, source, intel } = await started();
    clock.advance(1);
    for (let port = 1; port <= 20; port++) {
      source.emit(syn('203.0.113.7', port));
    }
    const seen: number[] = [];
    for (let cycle = 1; cycle <= 6; cycle++) {
      clock.advance(15_000 - (cycle === 1 ? 1 : 0));
      intel.tick();
      seen.push(intel.snapshot().alerts.length);
    }
    expect(seen).toEqual([1, 1, 1, 1, 0, 0]);
    expect(intel.alertHistory()).toHaveLength(1);
  });

  it('expires outstanding DNS queries on every tick', async () => {
    const { clock, source, intel } = await started();
    source.emit({ kind: 'dns-query', txid: 1, client: 'c', server: 's', qname: 'a.test' });
    clock.advance(5001);
    intel.tick();
    expect(intel.stateSizes().outstanding).toBe(0);
  });

  it('prunes idle state only when more than 30 s have passed since the last prune', async () => {
    const { clock, source, intel } = await started();
    source.emit(syn('192.0.2.1', 1));
    source.emit({ kind: 'dns-query', txid: 1, client: 'c', server: 's', qname: 'a.test' });
    intel.observeRates([{ iface: 'veth1', rxBps: 0, txBps: 0 }]);
    clock.advance(290_000);
    intel.tick(); // prunes, but nothing is 300 s old yet
    expect(intel.stateSizes()).toEqual({
      sources: 1,
      beacons: 1,
      tunnels: 1,
      domains: 1,
      outstanding: 0,
      interfaces: 1,
    });
    clock.advance(30_000);
    intel.tick(); // exactly 30 s after the last prune: no prune
    expect(intel.stateSizes().sources).toBe(1);
    clock.advance(1);
    intel.tick();
    expect(intel.stateSizes()).toEqual({
      sources: 0,
      beacons: 0,
      tunnels: 0,
      domains: 1,
      outstanding: 0,
      interfaces: 0,
    });
  });

  it('uses the system clock by default: monotonic for windows, wall time for timestamps', () => {
    const before = systemClock.monotonicMs();
    expect(systemClock.monotonicMs()).toBeGreaterThanOrEqual(before);
    expect(Math.abs(systemClock.wallMs() - Date.now())).toBeLessThan(1000);
    expect(new NetworkIntel().snapshot()).toEqual({ alerts: [], dnsAnalytics: undefined, packetCapture: 'off' });
  });

  it('applies a new bandwidth threshold', async () => {
    const { clock, intel } = await started();
    intel.setBandwidthThreshold(10_000);
    intel.observeRates([{ iface: 'eth0', rxBps: 5000, txBps: 0 }]);
    clock.advance(15_000);
    intel.observeRates([{ iface: 'eth0', rxBps: 5000, txBps: 0 }]);
    expect(intel.snapshot().alerts).toEqual([]);
  });

  it('raises a bandwidth alert, once the threshold is lowered, on rates that passed before', async () => {
    const { clock, intel } = await started();
    intel.setBandwidthThreshold(10_000);
    const cycle = (): void => {
      clock.advance(15_000);
      intel.observeRates([{ iface: 'eth0', rxBps: 5000, txBps: 0 }]);
      intel.tick();
    };
    cycle();
    cycle();
    expect(intel.snapshot().alerts).toEqual([]);
    intel.setBandwidthThreshold(1000);
    cycle();
    cycle();
    expect(intel.snapshot().alerts.map((a) => [a.category, a.message])).toEqual([
      ['bandwidth', 'eth0: bandwidth threshold exceeded'],
    ]);
  });

  it('runs end to end on a tcpdump capture', async () => {
    const child = new FakeChild();
    const { spawner } = fakeSpawner(child, (c) => c.out(readPcapFixture('ethernet-ipv4')));
    const clock = new ManualClock();
    const intel = new NetworkIntel({ clock, source: new TcpdumpSource({ iface: 'eth0', spawner }) });
    await expect(intel.start()).resolves.toBe('active');
    expect(intel.snapshot().dnsAnalytics).toEqual({
      total_queries: 2,
      total_responses: 2,
      nxdomain_count: 1,
      latency_buckets: [2, 0, 0, 0, 0, 0, 0, 0],
      top_domains: [
        ['example.com', 1],
        ['nope.invalid', 1],
      ],
    });
    await intel.stop();
    expect(child.kills).toBe(1);
  });
});

describe(`${NetworkIntel.name} properties`, () => {
  const ip = fc.constantFrom('10.0.0.1', '10.0.0.2', '192.0.2.9', '2001:db8::1', '::1', '');
  const step = fc.oneof(
    fc.record({
      kind: fc.constant('conn' as const),
      srcIp: ip,
      dstIp: ip,
      dstPort: fc.integer({ min: 0, max: 65535 }),
    }),
    fc.record({
      kind: fc.constant('dns-query' as const),
      txid: fc.integer({ min: 0, max: 65535 }),
      client: ip,
      server: ip,
      qname: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.domain()),
    }),
    fc.record({
      kind: fc.constant('dns-response' as const),
      txid: fc.integer({ min: 0, max: 65535 }),
      client: ip,
      server: ip,
      rcode: fc.integer({ min: 0, max: 15 }),
    }),
    fc.record({
      kind: fc.constant('rates' as const),
      rx: fc.double(),
      tx: fc.double(),
      iface: fc.constantFrom('eth0', 'wlan0'),
    }),
    fc.record({ kind: fc.constant('threshold' as const), bps: fc.double() }),
    fc.record({ kind: fc.constant('tick' as const) }),
    fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.nat(10), fc.nat(400_000), fc.double({ min: 0, max: 1e6, noNaN: true })),
    }),
  );

  it('never throws, and every snapshot passes the wire-format validator', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 300 }), async (steps) => {
        const { clock, source, intel } = await started();
        for (const s of steps) {
          if (s.kind === 'rates') {
            intel.observeRates([{ iface: s.iface, rxBps: s.rx, txBps: s.tx }]);
          } else if (s.kind === 'threshold') {
            intel.setBandwidthThreshold(s.bps);
          } else if (s.kind === 'tick') {
            intel.tick();
          } else if (s.kind === 'advance') {
            clock.advance(s.ms);
          } else {
            source.emit(s as CaptureEvent);
          }
        }
        const { alerts, dnsAnalytics } = intel.snapshot();
        const result = validateSnapshot({
          timestamp: '2026-06-11T10:00:00.000Z',
          interfaces: [],
          ...(alerts.length > 0 ? { alerts } : {}),
          ...(dnsAnalytics ? { dns_analytics: dnsAnalytics } : {}),
        });
        expect(result).toMatchObject({ ok: true });
        for (const alert of [...alerts, ...intel.alertHistory()]) {
          expect(`${alert.message} ${alert.detail}`).not.toMatch(/NaN|Infinity|-\d/);
        }
      }),
    );
  });

  it('keeps every map within its cap under a flood of distinct keys', async () => {
    const { clock, source, intel } = await started();
    for (let i = 0; i < 20_000; i++) {
      const host = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      source.emit(
        { kind: 'conn', srcIp: host, dstIp: '10.0.0.1', dstPort: i & 0xffff },
        { kind: 'dns-query', txid: i & 0xffff, client: host, server: '10.0.0.53', qname: `x${i}.d${i}.test` },
      );
      if (i % 1000 === 0) {
        clock.advance(1);
      }
    }
    intel.observeRates(Array.from({ length: 2000 }, (_, i) => ({ iface: `veth${i}`, rxBps: 0, txBps: 0 })));
    expect(intel.stateSizes()).toEqual({
      sources: 1000,
      beacons: 500,
      tunnels: 500,
      domains: expect.any(Number),
      outstanding: 10_000,
      interfaces: 2000,
    });
    expect(intel.stateSizes().domains).toBeLessThanOrEqual(10_000);
    clock.advance(31_000);
    intel.tick();
    // the prune trims to 500 only above 1000 entries
    expect(intel.stateSizes().domains).toBeLessThanOrEqual(1000);
    expect(intel.stateSizes().outstanding).toBe(0);
  });
});
