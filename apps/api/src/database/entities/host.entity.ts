import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { HostInfo } from '@lib/wire-format';

/** A host that sent us a HostInfo (agent, netwatch HTTP ingest or embedded mode); its id is the agent's host_id. */
@Entity({ name: 'hosts' })
@Index('hosts_hostname', ['hostname'])
export class Host {
  @PrimaryColumn('uuid')
  id: string;

  /** Null for a host fed by the embedded collector, which has no agent. */
  @Column({ name: 'agent_id', type: 'uuid', nullable: true })
  agentId: string | null;

  @Column({ type: 'text' })
  hostname: string;

  /** The last HostInfo as received. */
  @Column({ type: 'jsonb' })
  info: HostInfo;

  @Column({ name: 'agent_version', type: 'text' })
  agentVersion: string;

  @Column({ type: 'boolean', default: false })
  embedded: boolean;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ name: 'last_snapshot_at', type: 'timestamptz', nullable: true })
  lastSnapshotAt: Date | null;
}
