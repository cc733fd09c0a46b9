import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Snapshot as WireSnapshot } from '@lib/wire-format';

/**
 * One stored snapshot. The table is partitioned by day (migration AddHostsSnapshots): TypeORM only reads
 * it, the partitions are created by SnapshotsRepository before each insert.
 */
@Entity({ name: 'snapshots', synchronize: false })
export class Snapshot {
  @PrimaryColumn({ name: 'host_id', type: 'uuid' })
  hostId: string;

  @PrimaryColumn({ type: 'timestamptz' })
  timestamp: Date;

  /** Scalars copied out of `data.system` so charts never open the JSONB. */
  @Column({ name: 'cpu_pct', type: 'real', nullable: true })
  cpuPct: number | null;

  // bigint comes back from pg as a string: JavaScript numbers lose precision past 2^53
  @Column({ name: 'mem_used_bytes', type: 'bigint', nullable: true })
  memUsedBytes: string | null;

  @Column({ name: 'mem_total_bytes', type: 'bigint', nullable: true })
  memTotalBytes: string | null;

  @Column({ type: 'real', nullable: true })
  load1: number | null;

  @Column({ type: 'real', nullable: true })
  load5: number | null;

  @Column({ type: 'real', nullable: true })
  load15: number | null;

  /** The fullest mount's usage_pct. */
  @Column({ name: 'disk_used_pct', type: 'real', nullable: true })
  diskUsedPct: number | null;

  /** The whole snapshot as received. */
  @Column({ type: 'jsonb' })
  data: WireSnapshot;
}
