import { Column, Entity, PrimaryColumn } from 'typeorm';

/** PostgreSQL copy of a heartbeat record; the live record is in Redis (watchtower-protocol.md §6.1). */
@Entity({ name: 'heartbeats' })
export class Heartbeat {
  @PrimaryColumn({ type: 'text' })
  service: string;

  @Column({ name: 'alert_type', type: 'text' })
  alertType: string;

  @Column({ name: 'alert_target', type: 'text' })
  alertTarget: string;

  @Column({ name: 'next_in', type: 'integer' })
  nextIn: number;

  @Column({ name: 'repeat_every', type: 'integer', nullable: true })
  repeatEvery: number | null;

  @Column({ type: 'timestamptz' })
  last: Date;

  @Column({ type: 'timestamptz' })
  expected: Date;

  @Column({ type: 'boolean' })
  alerted: boolean;

  @Column({ type: 'boolean' })
  cancelled: boolean;

  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true })
  deadAt: Date | null;

  @Column({ type: 'bigint' })
  position: string;

  /** Redis-side transition counter: an older transition never overwrites a newer one. */
  @Column({ type: 'bigint' })
  version: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
