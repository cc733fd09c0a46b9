import type { HostInfo, Snapshot } from '@lib/wire-format';
import type { HostRow, SnapshotRow } from '../database/repositories';

/** The `snapshots` row of an accepted snapshot: the system scalars as columns, the whole snapshot as JSONB. */
export function toSnapshotRow(hostId: string, micros: number, snapshot: Snapshot): SnapshotRow {
  const system = snapshot.system;
  const disks = snapshot.disk_usage ?? [];
  return {
    hostId,
    micros,
    cpuPct: system?.cpu_usage_pct ?? null,
    memUsedBytes: system?.memory_used_bytes ?? null,
    memTotalBytes: system?.memory_total_bytes ?? null,
    load1: system?.load_avg_1m ?? null,
    load5: system?.load_avg_5m ?? null,
    load15: system?.load_avg_15m ?? null,
    // the fullest mount is the one that pages someone
    diskUsedPct: disks.length === 0 ? null : Math.max(...disks.map((d) => d.usage_pct)),
    data: snapshot,
  };
}

export function toHostRow(
  host: HostInfo,
  fields: {
    agentId: string | null;
    agentVersion: string;
    embedded: boolean;
    seenAt: number;
    newestMicros: number | null;
  },
): HostRow {
  return {
    id: host.host_id,
    agentId: fields.agentId,
    hostname: host.hostname,
    info: host,
    agentVersion: fields.agentVersion,
    embedded: fields.embedded,
    seenAt: fields.seenAt,
    lastSnapshotMicros: fields.newestMicros,
  };
}
