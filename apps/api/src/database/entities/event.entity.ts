import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One event. The table is partitioned by UTC day (migration PartitionEvents); TypeORM only reads it. */
@Entity({ name: 'events', synchronize: false })
export class Event {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Idempotency key: unique per date, and claimed in `event_keys` when a retry can carry another date. */
  @Column({ type: 'text' })
  uid: string;

  /** Receive time floored to the second, so (date, id) orders and pages exactly (§7.5). */
  @Column({ type: 'timestamptz' })
  date: Date;

  @Column({ type: 'integer' })
  level: number;

  @Column({ type: 'text' })
  service: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'boolean' })
  alert: boolean;
}
