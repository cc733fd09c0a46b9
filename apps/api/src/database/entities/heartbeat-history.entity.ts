import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Optional per-transition log (HEARTBEAT_HISTORY=true), the reference's `storeDatas`. */
@Entity({ name: 'heartbeat_history' })
@Index(['service', 'at'])
export class HeartbeatHistory {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text', unique: true })
  uid: string;

  @Column({ type: 'text' })
  service: string;

  @Column({ type: 'text' })
  action: 'pulse' | 'cancel' | 'alert';

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ name: 'next_in', type: 'integer' })
  nextIn: number;

  @Column({ type: 'timestamptz' })
  expected: Date;
}
