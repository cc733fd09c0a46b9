import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a URL monitor must remember across restarts (§9): no forgotten outage, no repeated alert. */
@Entity({ name: 'ping_states' })
export class PingState {
  @PrimaryColumn({ type: 'text' })
  service: string;

  @Column({ name: 'last_ping', type: 'timestamptz', nullable: true })
  lastPing: Date | null;

  @Column({ name: 'last_ping_success', type: 'timestamptz' })
  lastPingSuccess: Date;

  @Column({ type: 'boolean' })
  alerted: boolean;
}
