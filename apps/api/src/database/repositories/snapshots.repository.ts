import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { Alert, Snapshot as WireSnapshot } from '@lib/wire-format';
import { Snapshot } from '../entities';
import { dayPartitionName, dropDaysBefore } from './day-partitions';

/** A snapshot as the `persistence` queue carries it: its instant in epoch µs (exact, unlike a JS Date). */
export interface SnapshotRow {
  hostId: string;
  micros: number;
  cpuPct: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  diskUsedPct: number | null;
  data: WireSnapshot;
}

const DAY_MICROS = 86_400_000_000;
const DAY_MS = 86_400_000;
// Any constant works: it only keeps two writers from creating the same partition at once
const PARTITION_LOCK = 7_962_000_001;

/** `snapshots_pYYYYMMDD` of a UTC day given as days since the epoch. */
export function partitionName(day: number): string {
  return dayPartitionName('snapshots', day);
}

/** One bucket of the chart scalars (averages); `t` is the bucket start in epoch seconds. */
export interface ScalarBucket {
  t: number;
  cpu: number | null;
  load1: number | null;
  mem: number | null;
  disk: number | null;
}

/** One interface's rates over one bucket, in bytes per second; null where a counter went backwards. */
export interface RateBucket {
  name: string;
  t: number;
  rx: number | null;
  tx: number | null;
}

/** A range of one host's snapshots cut into buckets of `step` seconds starting at `from` (epoch seconds). */
export interface SeriesRange {
  hostId: string;
  from: number;
  to: number;
  step: number;
}

// Snapshots of one host in [from, to), with their bucket: the shared part of the two series queries
const IN_RANGE = `host_id = $1 AND timestamp >= to_timestamp($2::float8) AND timestamp < to_timestamp($3::float8)`;
const BUCKET = `date_bin(make_interval(secs => $4::float8), timestamp, to_timestamp($2::float8))`;

/** The only reader and writer of `snapshots` and its day partitions. */
@Injectable()
export class SnapshotsRepository {
  constructor(@InjectRepository(Snapshot) private readonly snapshots: Repository<Snapshot>) {}

  /**
   * Inserts a batch in one statement after making sure each of its UTC days has a partition; a snapshot
   * already stored for (host_id, timestamp) is skipped, so a retried batch or a re-sent snapshot is a no-op.
   */
  async insert(rows: SnapshotRow[], tx?: EntityManager): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    const manager = tx ?? this.snapshots.manager;
    await this.ensurePartitions(
      rows.map((r) => Math.floor(r.micros / DAY_MICROS)),
      manager,
    );
    await manager.query(
      `INSERT INTO snapshots (host_id, timestamp, cpu_pct, mem_used_bytes, mem_total_bytes, load1, load5, load15,
                              disk_used_pct, data)
       SELECT h, 'epoch'::timestamptz + m * interval '1 microsecond', c, mu, mt, l1, l5, l15, d, j::jsonb
       FROM unnest($1::uuid[], $2::bigint[], $3::real[], $4::bigint[], $5::bigint[], $6::real[], $7::real[],
                   $8::real[], $9::real[], $10::text[]) AS t(h, m, c, mu, mt, l1, l5, l15, d, j)
       ON CONFLICT (host_id, timestamp) DO NOTHING`,
      [
        rows.map((r) => r.hostId),
        rows.map((r) => r.micros),
        rows.map((r) => r.cpuPct),
        rows.map((r) => r.memUsedBytes),
        rows.map((r) => r.memTotalBytes),
        rows.map((r) => r.load1),
        rows.map((r) => r.load5),
        rows.map((r) => r.load15),
        rows.map((r) => r.diskUsedPct),
        rows.map((r) => JSON.stringify(r.data)),
      ],
    );
  }

  /** Drops every day partition that ends at or before `cutoffMs`; returns the dropped names, oldest first. */
  async dropPartitionsBefore(cutoffMs: number, tx?: EntityManager): Promise<string[]> {
    return dropDaysBefore(tx ?? this.snapshots.manager, 'snapshots', cutoffMs);
  }

  /** Network-intel alerts of one host's snapshots since `since`, each distinct alert once, newest first. */
  async alertsSince(hostId: string, since: Date): Promise<Alert[]> {
    const rows: { alert: Alert }[] = await this.snapshots.query(
      `SELECT alert FROM (
         SELECT DISTINCT ON (a->>'category', a->>'message', a->>'detail', a->>'timestamp') a AS alert, s.timestamp
         FROM snapshots s, jsonb_array_elements(s.data->'alerts') a
         WHERE s.host_id = $1 AND s.timestamp >= $2
         ORDER BY a->>'category', a->>'message', a->>'detail', a->>'timestamp', s.timestamp DESC
       ) d ORDER BY timestamp DESC, alert->>'timestamp' DESC LIMIT 100`,
      [hostId, since],
    );
    return rows.map((r) => r.alert);
  }

  /** The chart scalars averaged per bucket (date_bin, PostgreSQL 14+ and PGlite); empty buckets are left out. */
  async scalarSeries(range: SeriesRange): Promise<ScalarBucket[]> {
    return this.snapshots.query(
      `SELECT floor(extract(epoch FROM ${BUCKET}))::float8 AS t,
              round(avg(cpu_pct)::numeric, 2)::float8 AS cpu, round(avg(load1)::numeric, 2)::float8 AS load1,
              round(avg(mem_used_bytes::float8 / nullif(mem_total_bytes, 0) * 100)::numeric, 2)::float8 AS mem,
              round(avg(disk_used_pct)::numeric, 2)::float8 AS disk
       FROM snapshots WHERE ${IN_RANGE} GROUP BY 1 ORDER BY 1`,
      [range.hostId, range.from, range.to, range.step],
    );
  }

  /**
   * Per-interface rates from the cumulative counters: the last (largest) counter of each bucket against the
   * previous bucket's, over the time between them, so a gap in the data never inflates a rate.
   */
  async interfaceRates(range: SeriesRange): Promise<RateBucket[]> {
    return this.snapshots.query(
      `WITH b AS (
         SELECT ${BUCKET} AS bucket, i->>'name' AS name, max((i->>'rx_bytes')::float8) AS rx,
                max((i->>'tx_bytes')::float8) AS tx, max(timestamp) AS at
         FROM snapshots, jsonb_array_elements(data->'interfaces') i WHERE ${IN_RANGE} GROUP BY 1, 2
       ), r AS (
         SELECT name, bucket, rx - lag(rx) OVER w AS drx, tx - lag(tx) OVER w AS dtx,
                extract(epoch FROM at - lag(at) OVER w)::float8 AS secs
         FROM b WINDOW w AS (PARTITION BY name ORDER BY bucket)
       )
       SELECT name, floor(extract(epoch FROM bucket))::float8 AS t,
              CASE WHEN drx >= 0 THEN round((drx / secs)::numeric, 1)::float8 END AS rx,
              CASE WHEN dtx >= 0 THEN round((dtx / secs)::numeric, 1)::float8 END AS tx
       FROM r WHERE secs > 0 ORDER BY name, bucket`,
      [range.hostId, range.from, range.to, range.step],
    );
  }

  // Checked first without the lock, so the common case (today's partition exists) costs one cheap query
  private async ensurePartitions(days: number[], manager: EntityManager): Promise<void> {
    const wanted = [...new Set(days)];
    const names = wanted.map(partitionName);
    const missing: { name: string }[] = await manager.query(
      `SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL`,
      [names],
    );
    if (missing.length === 0) {
      return;
    }
    await manager.query(`SELECT pg_advisory_xact_lock($1)`, [PARTITION_LOCK]);
    for (const day of wanted) {
      const name = partitionName(day);
      if (missing.some((m) => m.name === name)) {
        const from = new Date(day * DAY_MS).toISOString();
        const to = new Date((day + 1) * DAY_MS).toISOString();
        // names and bounds come from integers above, never from input
        await manager.query(
          `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF snapshots FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
      }
    }
  }
}
