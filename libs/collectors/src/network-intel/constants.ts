// The detector constants of collectors spec §4.2, in the spec's units (seconds unless the name says so).

export const PORT_SCAN_WINDOW_SECS = 30;
export const PORT_SCAN_THRESHOLD = 20;
export const BEACON_MIN_SAMPLES = 5;
export const BEACON_MAX_SAMPLES = 8;
export const BEACON_JITTER_THRESHOLD = 0.15;
export const BEACON_MIN_INTERVAL_SECS = 5;
export const BEACON_MAX_INTERVAL_SECS = 3600;
export const DNS_TUNNEL_QNAME_LEN = 80;
export const DNS_TUNNEL_QUERY_RATE = 50;
export const DNS_TUNNEL_UNIQUE_SUBS = 30;
export const DNS_UNIQUE_PREFIX_CAP = 200;
export const DNS_OUTSTANDING_TIMEOUT_SECS = 5;
export const STALE_ENTRY_SECS = 300;

/** Forgets the entries not seen for STALE_ENTRY_SECS or more (every detector's idle state, spec §4.2). */
export function forgetStale<K, V>(entries: Map<K, V>, now: number, seenAt: (entry: V) => number): void {
  for (const [key, entry] of entries) {
    if (now - seenAt(entry) >= STALE_ENTRY_SECS * 1000) {
      entries.delete(key);
    }
  }
}
export const PRUNE_PERIOD_SECS = 30;
export const MAX_TRACKED_IPS = 1000;
export const MAX_TRACKED_DOMAINS = 500;
export const MAX_TRACKED_BEACONS = 500;
export const BW_ALERT_CONSECUTIVE = 2;
export const BW_ALERT_CLEAR_RATIO = 0.9;
export const TOP_DOMAINS_COUNT = 20;
export const ACTIVE_ALERT_TTL_SECS = 60;
export const ALERT_HISTORY_SIZE = 100;
export const DEFAULT_BANDWIDTH_THRESHOLD = 100_000_000;

/** `domain_counts` is trimmed to the top 500 when it holds more than 1000 entries (§3.14, §4.8). */
export const DOMAIN_COUNTS_TRIM_ABOVE = 1000;
export const DOMAIN_COUNTS_TRIM_TO = 500;
export const DNS_LONG_QNAME_DETAIL_BYTES = 120;
/** Upper bounds (ms) of latency buckets 0–6; bucket 7 takes the rest (§4.6). */
export const DNS_LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500] as const;

// ours: bounds the spec leaves open. Between two prunes (30 s) a flood of distinct names or queries would
// otherwise grow these without limit, and a tunnel alert per query would overflow the 5 MB request.
export const MAX_OUTSTANDING_QUERIES = 10_000;
export const DOMAIN_COUNTS_HARD_CAP = 10_000;
export const MAX_ACTIVE_ALERTS = 100;
