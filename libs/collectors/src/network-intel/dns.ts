import type { DnsAnalytics } from '@lib/wire-format';
import type { AlertDraft } from './alert-log';
import {
  DNS_LATENCY_BOUNDS_MS,
  DNS_LONG_QNAME_DETAIL_BYTES,
  DNS_OUTSTANDING_TIMEOUT_SECS,
  DNS_TUNNEL_QNAME_LEN,
  DNS_TUNNEL_QUERY_RATE,
  DNS_TUNNEL_UNIQUE_SUBS,
  DNS_UNIQUE_PREFIX_CAP,
  DOMAIN_COUNTS_HARD_CAP,
  DOMAIN_COUNTS_TRIM_ABOVE,
  DOMAIN_COUNTS_TRIM_TO,
  MAX_OUTSTANDING_QUERIES,
  MAX_TRACKED_DOMAINS,
  forgetStale,
  TOP_DOMAINS_COUNT,
} from './constants';
import type { DnsQuery, DnsResponse } from './events';

interface TunnelStats {
  windowStart: number;
  count: number;
  prefixes: Set<string>;
}

/** The last two labels after removing one trailing dot; no public-suffix handling (collectors spec §4.5). */
export function baseDomain(qname: string): string {
  const name = qname.endsWith('.') ? qname.slice(0, -1) : qname;
  return name.split('.').slice(-2).join('.');
}

/** DNS tunnel detection and DNS analytics (collectors spec §4.5, §4.6). */
export class DnsDetector {
  private totalQueries = 0;
  private totalResponses = 0;
  private nxdomainCount = 0;
  private readonly buckets: number[] = new Array<number>(DNS_LATENCY_BOUNDS_MS.length + 1).fill(0);
  private readonly domainCounts = new Map<string, number>();
  private readonly tunnels = new Map<string, TunnelStats>();
  /** Insertion order is time order: a re-sent query is deleted and re-added. */
  private readonly outstanding = new Map<string, number>();

  /** `now` is monotonic ms. Returns the alert to raise, if any. */
  observeQuery(query: DnsQuery, now: number): AlertDraft | null {
    this.totalQueries += 1;
    const base = baseDomain(query.qname);
    this.domainCounts.set(base, (this.domainCounts.get(base) ?? 0) + 1);
    if (this.domainCounts.size > DOMAIN_COUNTS_HARD_CAP) {
      this.trimDomainCounts();
    }
    let stats = this.tunnels.get(base);
    // ours: once 500 bases are tracked a new base gets no stats, and skips the rate rule
    if (!stats && this.tunnels.size < MAX_TRACKED_DOMAINS) {
      stats = { windowStart: now, count: 0, prefixes: new Set() };
      this.tunnels.set(base, stats);
    }
    if (stats) {
      stats.count += 1;
      if (stats.prefixes.size < DNS_UNIQUE_PREFIX_CAP) {
        stats.prefixes.add(query.qname.split('.')[0]);
      }
    }
    this.remember(`${query.txid} ${query.client} ${query.server}`, now);
    return this.detect(query.qname, base, stats, now);
  }

  /** `now` is monotonic ms. Counts the response and, when its query is outstanding, its latency. */
  observeResponse(response: DnsResponse, now: number): void {
    this.totalResponses += 1;
    if (response.rcode === 3) {
      this.nxdomainCount += 1;
    }
    const key = `${response.txid} ${response.client} ${response.server}`;
    const sentAt = this.outstanding.get(key);
    if (sentAt === undefined) {
      return;
    }
    this.outstanding.delete(key);
    const latency = Math.max(0, now - sentAt);
    // a query past its timeout is as good as expired, even if tick() has not run since
    if (latency > DNS_OUTSTANDING_TIMEOUT_SECS * 1000) {
      return;
    }
    const bucket = DNS_LATENCY_BOUNDS_MS.findIndex((bound) => latency < bound);
    this.buckets[bucket === -1 ? DNS_LATENCY_BOUNDS_MS.length : bucket] += 1;
  }

  /** Drops outstanding queries older than 5 s (every tick). */
  expire(now: number): void {
    for (const [key, sentAt] of this.outstanding) {
      if (now - sentAt <= DNS_OUTSTANDING_TIMEOUT_SECS * 1000) {
        break;
      }
      this.outstanding.delete(key);
    }
  }

  /** Drops tunnel stats whose window began 300 s ago or more, and trims `domain_counts` (every 30 s). */
  prune(now: number): void {
    forgetStale(this.tunnels, now, (stats) => stats.windowStart);
    if (this.domainCounts.size > DOMAIN_COUNTS_TRIM_ABOVE) {
      this.trimDomainCounts();
    }
  }

  /** The analytics for a snapshot, or undefined while all counters are 0 (the key is then omitted). */
  analytics(): DnsAnalytics | undefined {
    if (this.totalQueries === 0 && this.totalResponses === 0 && this.nxdomainCount === 0) {
      return undefined;
    }
    return {
      total_queries: this.totalQueries,
      total_responses: this.totalResponses,
      nxdomain_count: this.nxdomainCount,
      latency_buckets: [...this.buckets],
      top_domains: this.ranked().slice(0, TOP_DOMAINS_COUNT),
    };
  }

  /** Sizes of the bounded state, for tests and diagnostics. */
  get sizes(): { domains: number; tunnels: number; outstanding: number } {
    return { domains: this.domainCounts.size, tunnels: this.tunnels.size, outstanding: this.outstanding.size };
  }

  private detect(qname: string, base: string, stats: TunnelStats | undefined, now: number): AlertDraft | null {
    const length = Buffer.byteLength(qname, 'utf8');
    if (length > DNS_TUNNEL_QNAME_LEN) {
      return {
        severity: 'warning',
        category: 'dns_tunnel',
        message: `Suspicious DNS: long query name (${length}b)`,
        detail: `Query: ${truncateUtf8(qname, DNS_LONG_QNAME_DETAIL_BYTES)}`,
      };
    }
    if (!stats) {
      return null;
    }
    const rate = (stats.count / Math.max((now - stats.windowStart) / 1000, 1)) * 60;
    if (rate > DNS_TUNNEL_QUERY_RATE && stats.prefixes.size > DNS_TUNNEL_UNIQUE_SUBS) {
      return {
        severity: 'critical',
        category: 'dns_tunnel',
        message: `DNS tunnel suspect: ${base}`,
        detail: `${rate.toFixed(0)} queries/min, ${stats.prefixes.size} unique subdomains`,
      };
    }
    return null;
  }

  private remember(key: string, now: number): void {
    this.outstanding.delete(key);
    this.outstanding.set(key, now);
    this.expire(now);
    // ours: a flood between two ticks must not grow the map without limit
    for (const oldest of this.outstanding.keys()) {
      if (this.outstanding.size <= MAX_OUTSTANDING_QUERIES) {
        break;
      }
      this.outstanding.delete(oldest);
    }
  }

  /** Descending by count, ties by name ascending (ours). */
  private ranked(): [string, number][] {
    return [...this.domainCounts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  }

  private trimDomainCounts(): void {
    const kept = this.ranked().slice(0, DOMAIN_COUNTS_TRIM_TO);
    this.domainCounts.clear();
    for (const [base, count] of kept) {
      this.domainCounts.set(base, count);
    }
  }
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) {
      break;
    }
    end += char.length;
  }
  return text.slice(0, end);
}
