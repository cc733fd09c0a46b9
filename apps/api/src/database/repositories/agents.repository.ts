import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Agent, AgentSettingsOverrides } from '../entities';

/** What enrollment stores: the key only as its prefix and digest. */
export interface NewAgent {
  name: string;
  keyPrefix: string;
  keyDigest: Buffer;
  alertType: string | null;
  alertTarget: string | null;
  createdAt: Date;
}

/** The only reader and writer of `agents`. Reads leave out the key prefix and digest unless they need them. */
@Injectable()
export class AgentsRepository {
  constructor(@InjectRepository(Agent) private readonly agents: Repository<Agent>) {}

  /**
   * The new agent with its generated id, or null when a unique index refused it (a live agent has the name,
   * or the key prefix is taken). ON CONFLICT rather than a caught error: TypeORM logs a failed query with its
   * parameters, and those hold the key prefix and digest.
   */
  async insert(row: NewAgent): Promise<Agent | null> {
    const inserted: { id: string }[] = await this.agents.query(
      `INSERT INTO agents (name, key_prefix, key_digest, alert_type, alert_target, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [row.name, row.keyPrefix, row.keyDigest, row.alertType, row.alertTarget, row.createdAt],
    );
    if (inserted.length === 0) {
      return null;
    }
    return this.agents.create({ ...row, id: inserted[0].id, revokedAt: null, lastSeenAt: null, settings: {} });
  }

  /** Whether a live (not revoked) agent has this name: the rule of the `agents_name_live` index. */
  async nameTaken(name: string): Promise<boolean> {
    return this.agents.existsBy({ name, revokedAt: IsNull() });
  }

  /** Every agent, revoked ones included, in enrollment order. */
  async list(): Promise<Agent[]> {
    return this.agents.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** `id` must be a valid uuid (checked at the edge): PostgreSQL refuses anything else. */
  async get(id: string): Promise<Agent | null> {
    return this.agents.findOneBy({ id });
  }

  /** The agent holding a key prefix, revoked or not, with its key digest. */
  async getWithDigest(keyPrefix: string): Promise<Agent | null> {
    return this.agents
      .createQueryBuilder('agents')
      .addSelect('agents.keyDigest')
      .where('agents.key_prefix = :keyPrefix', { keyPrefix })
      .getOne();
  }

  /** Moves `last_seen_at` forward (never back) for agents heard from: `seen` is epoch seconds per agent id. */
  async markSeen(seen: { agentId: string; at: number }[], tx?: EntityManager): Promise<void> {
    if (seen.length === 0) {
      return;
    }
    await (tx ?? this.agents.manager).query(
      `UPDATE agents a SET last_seen_at = greatest(a.last_seen_at, to_timestamp(t.at))
       FROM (SELECT id, max(at) AS at FROM unnest($1::uuid[], $2::bigint[]) AS u(id, at) GROUP BY id) AS t
       WHERE a.id = t.id`,
      [seen.map((s) => s.agentId), seen.map((s) => s.at)],
    );
  }

  /** Merges `settings` into a live agent's stored ones in one statement; false for an unknown or revoked agent. */
  async mergeSettings(id: string, settings: AgentSettingsOverrides): Promise<boolean> {
    const result = await this.agents
      .createQueryBuilder()
      .update()
      .set({ settings: () => 'settings || CAST(:patch AS jsonb)' })
      .where('id = :id AND revoked_at IS NULL', { id, patch: JSON.stringify(settings) })
      .execute();
    return result.affected === 1;
  }

  /** Sets `revoked_at` once: revoking a revoked agent keeps the first time. */
  async revoke(id: string, at: Date): Promise<void> {
    await this.agents.update({ id, revokedAt: IsNull() }, { revokedAt: at });
  }
}
