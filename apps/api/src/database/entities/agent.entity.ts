import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What an operator set for one agent (`POST /api/v1/agents/:id/settings`); what is unset follows the server. */
export interface AgentSettingsOverrides {
  interval_secs?: number;
  health_interval_secs?: number;
  bandwidth_alert_bytes_per_sec?: number;
}

/** An enrolled host agent (agent-protocol.md §1). A revoked agent keeps its row, so its history stays. */
@Entity({ name: 'agents' })
@Index('agents_key_prefix', ['keyPrefix'], { unique: true })
@Index('agents_name_live', ['name'], { unique: true, where: 'revoked_at IS NULL' })
export class Agent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** The key's first 14 characters, to find the row; never selected unless asked for. */
  @Column({ name: 'key_prefix', type: 'text', select: false })
  keyPrefix: string;

  /** SHA-256 of the whole key: the key itself is shown once at enrollment and never stored. */
  @Column({ name: 'key_digest', type: 'bytea', select: false })
  keyDigest: Buffer;

  @Column({ name: 'alert_type', type: 'text', nullable: true })
  alertType: string | null;

  @Column({ name: 'alert_target', type: 'text', nullable: true })
  alertTarget: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_seen_at', type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  /** Merged by each settings change, sent in every welcome; presence follows its interval (§5). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings: AgentSettingsOverrides;
}
