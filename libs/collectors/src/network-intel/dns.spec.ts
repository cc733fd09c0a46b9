import { baseDomain, DnsDetector, truncateUtf8 } from './dns';
import type { DnsQuery, DnsResponse } from './events';

const query = (qname: string, txid = 1, client = '10.0.0.2', server = '10.0.0.53'): DnsQuery => ({
  kind: 'dns-query',
  txid,
  client,
  server,
  qname,
});
const response = (txid = 1, rcode = 0, client = '10.0.0.2', server = '10.0.0.53'): DnsResponse => ({
  kind: 'dns-response',
  txid,
  client,
  server,
  rcode,
});

/** `n` queries for distinct first labels under `base`, spread evenly over `spanMs`; returns the alerts. */
function burst(detector: DnsDetector, base: string, n: number, spanMs = 0, start = 0) {
  const alerts = [];
  for (let i = 0; i < n; i++) {
    alerts.push(detector.observeQuery(query(`s${i}.${base}`, i), start + (n > 1 ? (spanMs * i) / (n - 1) : 0)));
  }
  return alerts.filter((alert) => alert !== null);
}

describe(baseDomain.name, () => {
  it.each([
    ['a.b.example.com', 'example.com'],
    ['www.example.co.uk.', 'co.uk'],
    ['example.com.', 'example.com'],
    ['localhost', 'localhost'],
    ['com.', 'com'],
    ['', ''],
  ])('%s → %s', (qname, base) => {
    expect(baseDomain(qname)).toBe(base);
  });
});

describe(truncateUtf8.name, () => {
  it('cuts at a byte count without splitting a character', () => {
    expect(truncateUtf8('abcdef', 4)).toBe('abcd');
    expect(truncateUtf8('aé', 2)).toBe('a');
    expect(truncateUtf8('aé', 3)).toBe('aé');
  });
});

describe(DnsDetector.name, () => {
  describe('long query names', () => {
    it('accepts 80 bytes and flags 81, for every such query', () => {
      const detector = new DnsDetector();
      expect(detector.observeQuery(query(`${'a'.repeat(76)}.com`), 0)).toBeNull();
      const name = `${'b'.repeat(77)}.com`;
      const alert = {
        severity: 'warning',
        category: 'dns_tunnel',
        message: 'Suspicious DNS: long query name (81b)',
        detail: `Query: ${name}`,
      };
      expect(detector.observeQuery(query(name), 1)).toEqual(alert);
      expect(detector.observeQuery(query(name), 2)).toEqual(alert);
    });

    it('quotes at most the first 120 bytes', () => {
      const name = `${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(20)}.example`;
      expect(new DnsDetector().observeQuery(query(name), 0)).toMatchObject({
        message: `Suspicious DNS: long query name (${name.length}b)`,
        detail: `Query: ${name.slice(0, 120)}`,
      });
    });

    it('skips the rate rule for a long name', () => {
      const detector = new DnsDetector();
      burst(detector, 'tunnel.test', 40);
      const long = detector.observeQuery(query(`${'q'.repeat(90)}.tunnel.test`), 1);
      expect(long?.message).toBe('Suspicious DNS: long query name (102b)');
    });
  });

  describe('tunnel rule', () => {
    it('needs more than 30 unique prefixes', () => {
      expect(burst(new DnsDetector(), 'tunnel.test', 30)).toEqual([]);
      expect(burst(new DnsDetector(), 'tunnel.test', 31)).toEqual([
        {
          severity: 'critical',
          category: 'dns_tunnel',
          message: 'DNS tunnel suspect: tunnel.test',
          detail: '1860 queries/min, 31 unique subdomains',
        },
      ]);
    });

    it.each([
      [37_100, true],
      [37_200, false],
      [37_300, false],
    ])('needs a rate above 50 per minute: the 31st prefix at %s ms alerts: %s', (at, alerts) => {
      // 31 queries in 37.2 s is exactly 50 per minute
      const detector = new DnsDetector();
      expect(burst(detector, 'slow.test', 30)).toEqual([]);
      const alert = detector.observeQuery(query('s30.slow.test'), at);
      expect(alert).toEqual(
        alerts ? expect.objectContaining({ detail: '50 queries/min, 31 unique subdomains' }) : null,
      );
    });

    it('divides by at least one second', () => {
      const detector = new DnsDetector();
      burst(detector, 'fast.test', 30, 0, 1000);
      expect(detector.observeQuery(query('s30.fast.test'), 1500)?.detail).toBe(
        '1860 queries/min, 31 unique subdomains',
      );
    });

    it('raises again on every further qualifying query (no deduplication)', () => {
      expect(burst(new DnsDetector(), 'tunnel.test', 35)).toHaveLength(5);
    });

    it('counts repeated names toward the rate but not the prefixes', () => {
      const detector = new DnsDetector();
      for (let i = 0; i < 200; i++) {
        expect(detector.observeQuery(query('www.busy.test'), i)).toBeNull();
      }
    });

    it('caps the prefix set at 200', () => {
      const detector = new DnsDetector();
      const alerts = burst(detector, 'tunnel.test', 300);
      expect(alerts.at(-1)?.detail).toBe('18000 queries/min, 200 unique subdomains');
    });

    it('tracks at most 500 bases; a new base beyond gets no stats and no tunnel alert', () => {
      const detector = new DnsDetector();
      for (let i = 0; i < 600; i++) {
        detector.observeQuery(query(`www.d${i}.test`), 0);
      }
      expect(detector.sizes.tunnels).toBe(500);
      expect(burst(detector, 'late.test', 40)).toEqual([]);
      expect(detector.analytics()?.total_queries).toBe(640);
    });

    it('drops tunnel stats whose window began 300 s ago, so the rate starts over', () => {
      const detector = new DnsDetector();
      detector.observeQuery(query('a.old.test'), 0);
      detector.observeQuery(query('a.new.test'), 1);
      detector.prune(300_000);
      expect(detector.sizes.tunnels).toBe(1);
    });
  });

  describe('responses and analytics', () => {
    it('is undefined until a query or a response is seen', () => {
      const detector = new DnsDetector();
      expect(detector.analytics()).toBeUndefined();
      detector.observeResponse(response(), 0);
      expect(detector.analytics()).toEqual({
        total_queries: 0,
        total_responses: 1,
        nxdomain_count: 0,
        latency_buckets: [0, 0, 0, 0, 0, 0, 0, 0],
        top_domains: [],
      });
    });

    it.each([
      [0, 0],
      [4.9, 0],
      [5, 1],
      [9.99, 1],
      [10, 2],
      [25, 3],
      [50, 4],
      [100, 5],
      [250, 6],
      [499, 6],
      [500, 7],
      [5000, 7],
    ])('puts a %s ms latency in bucket %s', (latency, bucket) => {
      const detector = new DnsDetector();
      detector.observeQuery(query('example.com', 7), 1000);
      detector.observeResponse(response(7), 1000 + latency);
      const buckets = [0, 0, 0, 0, 0, 0, 0, 0];
      buckets[bucket] = 1;
      expect(detector.analytics()?.latency_buckets).toEqual(buckets);
      expect(detector.sizes.outstanding).toBe(0);
    });

    it('does not time a response that comes after 5 s, nor one that matches no query', () => {
      const detector = new DnsDetector();
      detector.observeQuery(query('example.com', 7), 0);
      detector.observeResponse(response(7), 5001);
      detector.observeResponse(response(8), 5002);
      detector.observeQuery(query('example.com', 9, '10.0.0.2', '10.0.0.53'), 6000);
      detector.observeResponse(response(9, 0, '10.0.0.3', '10.0.0.53'), 6001);
      detector.observeResponse(response(9, 0, '10.0.0.2', '10.0.0.54'), 6001);
      expect(detector.analytics()).toMatchObject({ total_responses: 4, latency_buckets: [0, 0, 0, 0, 0, 0, 0, 0] });
    });

    it('counts NXDOMAIN (rcode 3) only', () => {
      const detector = new DnsDetector();
      [0, 2, 3, 3, 5].forEach((rcode) => detector.observeResponse(response(1, rcode), 0));
      expect(detector.analytics()?.nxdomain_count).toBe(2);
    });

    it('times a re-sent query from its last sending', () => {
      const detector = new DnsDetector();
      detector.observeQuery(query('example.com', 7), 0);
      detector.observeQuery(query('example.com', 7), 4000);
      detector.observeResponse(response(7), 4004);
      expect(detector.analytics()?.latency_buckets).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    });

    it('expires outstanding queries older than 5 s', () => {
      const detector = new DnsDetector();
      detector.observeQuery(query('example.com', 1), 0);
      detector.observeQuery(query('example.com', 2), 1);
      detector.expire(5000);
      expect(detector.sizes.outstanding).toBe(2);
      detector.expire(5001);
      expect(detector.sizes.outstanding).toBe(1);
    });

    it('bounds outstanding queries even without ticks', () => {
      const detector = new DnsDetector();
      for (let i = 0; i < 30_000; i++) {
        detector.observeQuery(query('example.com', i & 0xffff, `10.0.${i >> 8}.${i & 255}`), 0);
      }
      expect(detector.sizes.outstanding).toBe(10_000);
    });

    it('ranks the top 20 bases by count, ties by name', () => {
      const detector = new DnsDetector();
      const names = ['b.test', 'a.test', 'c.test'];
      names.forEach((name, i) => {
        for (let n = 0; n <= i; n++) {
          detector.observeQuery(query(`www.${name}`), 0);
        }
      });
      for (let i = 0; i < 30; i++) {
        detector.observeQuery(query(`z${String(i).padStart(2, '0')}.example`), 0);
      }
      const top = detector.analytics()?.top_domains ?? [];
      expect(top).toHaveLength(20);
      expect(top.slice(0, 5)).toEqual([
        ['c.test', 3],
        ['a.test', 2],
        ['b.test', 1],
        ['z00.example', 1],
        ['z01.example', 1],
      ]);
    });

    it('trims domain counts to the 500 largest when above 1000, at prune time', () => {
      const detector = new DnsDetector();
      for (let i = 0; i < 1000; i++) {
        detector.observeQuery(query(`d${i}.test`), 0);
      }
      detector.observeQuery(query('d999.test'), 0);
      detector.prune(0);
      expect(detector.sizes.domains).toBe(1000);
      detector.observeQuery(query('extra.test'), 0);
      detector.prune(0);
      expect(detector.sizes.domains).toBe(500);
      expect(detector.analytics()?.top_domains[0]).toEqual(['d999.test', 2]);
    });

    it('bounds domain counts between prunes', () => {
      const detector = new DnsDetector();
      for (let i = 0; i < 50_000; i++) {
        detector.observeQuery(query(`d${i}.test`), 0);
      }
      expect(detector.sizes.domains).toBeLessThanOrEqual(10_000);
      expect(detector.analytics()?.total_queries).toBe(50_000);
    });
  });
});
