import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'events' })
export class Event {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  /** Idempotency key: a retried persistence batch never duplicates an event. */
  @Column({ type: 'text', unique: true })
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
