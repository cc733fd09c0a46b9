import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { HintedError, quoteForHint, StoreUnavailableError } from '../common/hinted-error';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import { Agent } from '../database/entities';
import { AgentsRepository } from '../database/repositories';
import { agentKeyDigest, agentKeyMatches, agentKeyPrefix, generateAgentKey, isAgentKey } from './agent-key';
import { AgentPresence } from './agent-presence';
import { AgentCommands, agentsRevokedChannel } from './agents.commands';
import { AgentConnectionView, AgentView, EnrollInput, EnrollReply, SettingsInput } from './agents.dto';
import { AgentsRegistry, ConnectionState } from './agents.registry';

/** A fresh key whose prefix is taken (about 1 in 10^14 per pair of agents) is drawn again, a few times at most. */
const KEY_DRAWS = 3;

/**
 * Enrollment, listing, revocation, settings and key checks (agent-protocol.md §1). The writes go to PostgreSQL
 * directly, not through the persistence queue: the reply must say whether the name was free, a key shown to the
 * operator must already be valid, and stored settings must be there for the agent's next welcome.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly agents: AgentsRepository,
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
    private readonly registry: AgentsRegistry,
    private readonly commands: AgentCommands,
    private readonly presence: AgentPresence,
  ) {}

  async enroll(input: EnrollInput): Promise<EnrollReply> {
    const createdAt = new Date(this.clock.seconds() * 1000);
    for (let draw = 0; draw < KEY_DRAWS; draw++) {
      const key = generateAgentKey();
      const stored = await this.agents.insert({
        ...input,
        keyPrefix: agentKeyPrefix(key),
        keyDigest: agentKeyDigest(key),
        createdAt,
      });
      if (stored) {
        return { agent: { id: stored.id, name: stored.name }, key };
      }
      if (await this.agents.nameTaken(input.name)) {
        throw new HintedError(409, `agent name already taken: ${quoteForHint(input.name)} (revoke that agent first)`);
      }
      // the key prefix was taken (or the name's agent was revoked meanwhile): draw again
    }
    throw new Error(`no free agent key prefix after ${KEY_DRAWS} draws`);
  }

  /** With each agent's socket state, from the shared registry: the same answer from every process. */
  async list(): Promise<AgentView[]> {
    const [agents, connections] = await Promise.all([
      this.agents.list(),
      this.registry.states().catch(redisUnavailable),
    ]);
    return agents.map((agent) => toView(agent, agent.revokedAt ? undefined : connections.get(agent.id)));
  }

  /**
   * Idempotent: revoking a revoked agent answers it again with its first `revokedAt`, publishes again and
   * cancels its presence again, so a DELETE retried after a failure (503) still reaches the socket and the
   * presence services. A revoked agent says no `bye`; without the cancel, its presence would raise a down alert.
   */
  async revoke(id: string): Promise<AgentView> {
    await this.agents.revoke(id, new Date(this.clock.seconds() * 1000));
    const agent = await this.agents.get(id);
    if (!agent) {
      throw new HintedError(404, 'agent not found');
    }
    // after the write: a process that re-reads the agent on this message already sees it revoked
    await this.redis.publish(agentsRevokedChannel(this.env.redisPrefix), agent.id);
    await this.presence.revoke(agent);
    // its socket is being closed (4001), so it is shown as not connected
    return toView(agent);
  }

  /**
   * Stored before they are sent, so the agent's next welcome carries them even when no socket takes them now.
   * True once the agent's socket took them; false for an unknown or revoked agent, which stores nothing.
   */
  async changeSettings(id: string, settings: SettingsInput): Promise<boolean> {
    if (!(await this.agents.mergeSettings(id, settings))) {
      return false;
    }
    return this.commands.send(id, { type: 'settings_update', settings: { ...settings } });
  }

  /**
   * The agent a key belongs to, or null for a malformed, unknown or revoked key. The row is found by the
   * key's prefix; the digests are compared in constant time.
   */
  async verifyAgentKey(key: string): Promise<Agent | null> {
    if (!isAgentKey(key)) {
      return null;
    }
    const agent = await this.agents.getWithDigest(agentKeyPrefix(key));
    if (!agent || !agentKeyMatches(key, agent.keyDigest) || agent.revokedAt !== null) {
      return null;
    }
    return agent;
  }
}

function toView(agent: Agent, state?: ConnectionState): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    alertType: agent.alertType,
    alertTarget: agent.alertTarget,
    createdAt: epochSeconds(agent.createdAt),
    revokedAt: agent.revokedAt && epochSeconds(agent.revokedAt),
    lastSeenAt: agent.lastSeenAt && epochSeconds(agent.lastSeenAt),
    connected: state !== undefined,
    connection: state ? toConnectionView(state) : null,
  };
}

function toConnectionView(state: ConnectionState): AgentConnectionView {
  return {
    protocol: state.protocol,
    process: state.process,
    since: state.since,
    agentVersion: state.version,
    hostId: state.hostId,
    lastSnapshotAt: state.lastSnapshotAt,
  };
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function redisUnavailable(): never {
  throw new StoreUnavailableError('Redis');
}
