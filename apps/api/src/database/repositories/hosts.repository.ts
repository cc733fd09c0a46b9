import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { DiskUsage, HostInfo, InterfaceMetric, ProcessBandwidth } from '@lib/wire-format';
import { Host } from '../entities';

/** A host upsert as the `persistence` queue carries it: `seenAt` in epoch seconds, snapshot time in epoch µs. */
export interface HostRow {
  id: string;
  agentId: string | null;
  hostname: string;
  info: HostInfo;
  agentVersion: string;
  embedded: boolean;
  seenAt: number;
  /** The newest snapshot of the request, or null (a hello, or a request whose snapshots were all refused). */
  lastSnapshotMicros: number | null;
}

/** A host and the figures of its latest snapshot, as `GET /api/v1/hosts` lists them (times in epoch seconds). */
export interface HostSummaryRow {
  id: string;
  hostname: string;
  agentId: string | null;
  embedded: boolean;
  agentVersion: string;
  lastSeenAt: number;
  lastSnapshotAt: number | null;
  cpuPct: number | null;
  memUsedPct: number | null;
  load1: number | null;
  diskUsedPct: number | null;
}

/** One host with its description and the parts of its latest snapshot a console shows. */
export interface HostDetailRow extends HostSummaryRow {
  firstSeenAt: number;
  info: HostInfo;
  load5: number | null;
  load15: number | null;
  snapshotAt: number | null;
  interfaces: InterfaceMetric[] | null;
  disks: DiskUsage[] | null;
  processes: ProcessBandwidth[] | null;
}

/** A host's latest figures for an alert's context. */
export interface HostFiguresRow {
  hostname: string;
  timestamp: Date | null;
  cpuPct: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  disks: DiskUsage[] | null;
  processes: ProcessBandwidth[] | null;
}

// The summary columns of a host `h` and its latest snapshot `s` (joined LATERAL), shared by the reads below
const SUMMARY = `h.id, h.hostname, h.agent_id AS "agentId", h.embedded, h.agent_version AS "agentVersion",
  floor(extract(epoch FROM h.last_seen_at))::float8 AS "lastSeenAt",
  floor(extract(epoch FROM h.last_snapshot_at))::float8 AS "lastSnapshotAt",
  s.cpu_pct AS "cpuPct", round((s.mem_used_bytes::float8 / nullif(s.mem_total_bytes, 0) * 100)::numeric, 1)::float8
  AS "memUsedPct", s.load1, s.disk_used_pct AS "diskUsedPct"`;
// The newest snapshot of host `h`: the primary key (host_id, timestamp) answers it from each partition's index
const LATEST = `LEFT JOIN LATERAL (SELECT * FROM snapshots WHERE host_id = h.id ORDER BY timestamp DESC LIMIT 1) s ON true`;

/** The only reader and writer of `hosts`. */
@Injectable()
export class HostsRepository {
  constructor(@InjectRepository(Host) private readonly hosts: Repository<Host>) {}

  /**
   * One statement for any batch size. The last row of a host wins for its description; the seen and snapshot
   * times only move forward, so a retried or late batch never turns a host back in time.
   */
  async upsert(rows: HostRow[], tx?: EntityManager): Promise<void> {
    const merged = mergePerHost(rows);
    if (merged.length === 0) {
      return;
    }
    await (tx ?? this.hosts.manager).query(
      `INSERT INTO hosts AS h (id, agent_id, hostname, info, agent_version, embedded, first_seen_at, last_seen_at,
                               last_snapshot_at)
       SELECT i, a, n, f::jsonb, v, e, to_timestamp(s), to_timestamp(s),
              'epoch'::timestamptz + m * interval '1 microsecond'
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bigint[], $8::bigint[])
            AS t(i, a, n, f, v, e, s, m)
       ON CONFLICT (id) DO UPDATE SET
         agent_id = excluded.agent_id, hostname = excluded.hostname, info = excluded.info,
         agent_version = excluded.agent_version, embedded = excluded.embedded,
         last_seen_at = GREATEST(h.last_seen_at, excluded.last_seen_at),
         last_snapshot_at = GREATEST(h.last_snapshot_at, excluded.last_snapshot_at)`,
      [
        merged.map((r) => r.id),
        merged.map((r) => r.agentId),
        merged.map((r) => r.hostname),
        merged.map((r) => JSON.stringify(r.info)),
        merged.map((r) => r.agentVersion),
        merged.map((r) => r.embedded),
        merged.map((r) => r.seenAt),
        merged.map((r) => r.lastSnapshotMicros),
      ],
    );
  }
  /** Every host with its latest figures, by hostname. */
  async listLatest(): Promise<HostSummaryRow[]> {
    return this.hosts.query(`SELECT ${SUMMARY} FROM hosts h ${LATEST} ORDER BY h.hostname, h.id`);
  }

  /** `id` must be a valid uuid (checked at the edge). */
  async getLatest(id: string): Promise<HostDetailRow | null> {
    const rows: HostDetailRow[] = await this.hosts.query(
      `SELECT ${SUMMARY}, floor(extract(epoch FROM h.first_seen_at))::float8 AS "firstSeenAt", h.info, s.load5,
              s.load15, floor(extract(epoch FROM s.timestamp))::float8 AS "snapshotAt",
              s.data->'interfaces' AS interfaces, s.data->'disk_usage' AS disks, s.data->'processes' AS processes
       FROM hosts h ${LATEST} WHERE h.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** `id` must be a valid uuid (checked at the edge). */
  async exists(id: string): Promise<boolean> {
    return this.hosts.existsBy({ id });
  }

  /** The most recently seen host of that name (a reinstalled host gets a new id) with its latest figures. */
  async latestByHostname(hostname: string): Promise<HostFiguresRow | null> {
    const rows: HostFiguresRow[] = await this.hosts.query(
      `SELECT h.hostname, s.timestamp, s.cpu_pct AS "cpuPct", s.mem_used_bytes::float8 AS "memUsedBytes",
              s.mem_total_bytes::float8 AS "memTotalBytes", s.load1, s.load5, s.load15,
              s.data->'disk_usage' AS disks, s.data->'processes' AS processes
       FROM hosts h ${LATEST} WHERE h.hostname = $1 ORDER BY h.last_seen_at DESC LIMIT 1`,
      [hostname],
    );
    return rows[0] ?? null;
  }
}

// ON CONFLICT DO UPDATE refuses to touch one row twice in a statement, so a batch is folded per host first
function mergePerHost(rows: HostRow[]): HostRow[] {
  const byId = new Map<string, HostRow>();
  for (const row of rows) {
    const prev = byId.get(row.id);
    const snapshots = [prev?.lastSnapshotMicros ?? null, row.lastSnapshotMicros].filter((m) => m !== null);
    byId.set(row.id, {
      ...row,
      seenAt: Math.max(prev?.seenAt ?? row.seenAt, row.seenAt),
      lastSnapshotMicros: snapshots.length === 0 ? null : Math.max(...snapshots),
    });
  }
  return [...byId.values()];
}
