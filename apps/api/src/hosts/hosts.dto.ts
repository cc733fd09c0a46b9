import { Injectable, PipeTransform } from '@nestjs/common';
import type { Alert, DiskUsage, InterfaceMetric, ProcessBandwidth } from '@lib/wire-format';
import { Clock } from '../common/clock';
import type { HostSummaryRow } from '../database/repositories';
import { param, parseInteger } from '../common/fields';
import { HintedError } from '../common/hinted-error';
import { parseInstant } from '../events/events.dto';

// The inputs of the hosts read API (a host id, the metrics range) and what its routes answer. Times are epoch
// seconds, as everywhere else in the API.

/** One row of `GET /api/v1/hosts`: the host and the figures of its latest snapshot. */
export type HostSummary = HostSummaryRow;

export interface HostDetail {
  host: HostSummary & { firstSeenAt: number; info: unknown; load5: number | null; load15: number | null };
  /** The latest snapshot's parts a console shows first; null before the first snapshot. */
  latest: {
    timestamp: number;
    interfaces: InterfaceMetric[];
    disks: DiskUsage[];
    /** The 10 busiest by rx_rate + tx_rate. */
    processes: ProcessBandwidth[];
  } | null;
  /** Network-intel alerts of the last hour, newest first. */
  alerts: Alert[];
}

export type Series = [number, number][];

export interface HostMetrics {
  from: number;
  to: number;
  /** The bucket length actually used, in seconds (raised so that no series exceeds MAX_POINTS). */
  step: number;
  cpu: Series;
  load1: Series;
  memUsedPct: Series;
  diskUsedPct: Series;
  /** Bytes per second from the cumulative counters; a counter reset leaves a gap rather than a negative rate. */
  interfaces: Record<string, { rx: Series; tx: Series }>;
}

export interface MetricsQuery {
  from: number;
  to: number;
  step: number;
}

export const MAX_POINTS = 1000;
const DEFAULT_RANGE = 3600;
const MAX_STEP = 31536000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** from/to as epoch seconds or ISO 8601 (the events rules), the last hour by default; step raised to fit. */
export function parseMetricsQuery(query: Record<string, unknown>, now: number): MetricsQuery {
  // the range is [from, to): by default it ends after the current second, so a snapshot taken just now counts
  const to = param(query, 'to', 'invalid to', parseInstant) ?? now + 1;
  const from = param(query, 'from', 'invalid from', parseInstant) ?? to - DEFAULT_RANGE;
  const given = param(query, 'step', `step must be an integer from 1 to ${MAX_STEP}`, (text, hint) =>
    parseInteger(text, 1, MAX_STEP, hint),
  );
  if (from >= to) {
    throw new HintedError(400, 'from must be before to');
  }
  // buckets start at `from`, so ceil(range / step) <= MAX_POINTS buckets per series
  return { from, to, step: Math.max(given ?? 1, Math.ceil((to - from) / MAX_POINTS)) };
}

/** A malformed id names no host: 404, so PostgreSQL never sees a string it would refuse as a uuid. */
@Injectable()
export class HostIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (!UUID.test(id)) {
      throw new HintedError(404, 'host not found');
    }
    return id.toLowerCase();
  }
}

@Injectable()
export class MetricsQueryPipe implements PipeTransform<Record<string, unknown> | undefined, MetricsQuery> {
  constructor(private readonly clock: Clock) {}

  transform(query: Record<string, unknown> | undefined): MetricsQuery {
    return parseMetricsQuery(query ?? {}, this.clock.seconds());
  }
}
