import { Injectable } from '@nestjs/common';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import { Agent } from '../database/entities';
import { HeartbeatService } from '../heartbeat/heartbeat.service';

/** What `welcome` gives an agent (agent-protocol.md §3). */
export interface AgentSettings {
  interval_secs: number;
  health_interval_secs: number;
  bandwidth_alert_bytes_per_sec: number;
}

// The agents' own defaults (collectors.md §1.4): the server has no reason to change them yet
const HEALTH_INTERVAL_SECS = 30;
const BANDWIDTH_ALERT_BYTES_PER_SEC = 100_000_000;
const PRESENCE_INTERVALS = 3;
// Far longer than any request or socket message checked before a revocation can take to refresh presence
const REVOKED_MARK_SECS = 24 * 3600;

/** The agent's own alert channel, or the server's defaults for an agent enrolled without one. */
export function agentChannel(agent: Agent | null, env: Env): { alertType: string; alertTarget: string } {
  if (agent?.alertType && agent.alertTarget !== null) {
    return { alertType: agent.alertType, alertTarget: agent.alertTarget };
  }
  return { alertType: env.defaultAlertType, alertTarget: env.defaultAlertTarget };
}

/**
 * Presence (agent-protocol.md §5): each host an agent reports is the heartbeat service `agent:<hostname>` with
 * nextIn = 3 x the agent's own interval. The services are remembered per agent in a Redis set, because `bye`
 * and a revocation carry no hostname and one key may report several hosts.
 */
@Injectable()
export class AgentPresence {
  constructor(
    private readonly heartbeats: HeartbeatService,
    private readonly redis: RedisClient,
    private readonly env: Env,
  ) {}

  /** The agent's stored settings over the server's defaults; the defaults alone for no agent (embedded mode). */
  settingsOf(agent: Agent | null): AgentSettings {
    return {
      interval_secs: this.env.agentsIntervalSecs,
      health_interval_secs: HEALTH_INTERVAL_SECS,
      bandwidth_alert_bytes_per_sec: BANDWIDTH_ALERT_BYTES_PER_SEC,
      ...agent?.settings,
    };
  }

  async refresh(agent: Agent, hostname: string): Promise<void> {
    const service = `agent:${hostname}`;
    await this.heartbeats.pulse({
      service,
      nextIn: PRESENCE_INTERVALS * this.settingsOf(agent).interval_secs,
      ...agentChannel(agent, this.env),
    });
    await this.redis.sadd(this.servicesKey(agent), service);
    // Checked after the pulse and the set: a revocation that marked the agent before this check is undone here,
    // and one that marked it after it finds the service in the set. Either way it ends cancelled.
    if ((await this.redis.exists(this.revokedKey(agent))) === 1) {
      await this.cancel(agent);
    }
  }

  /** A planned stop (`bye`): the agent's presence services are cancelled, so no down alert follows. */
  async cancel(agent: Pick<Agent, 'id'>): Promise<void> {
    const key = this.servicesKey(agent);
    const services = await this.redis.smembers(key);
    for (const service of services) {
      await this.heartbeats.cancel(service);
    }
    // only those cancelled: a service added meanwhile stays remembered for the next cancel
    if (services.length > 0) {
      await this.redis.srem(key, ...services);
    }
  }

  /** As `cancel`, and refreshes still in flight for the agent (a socket's queued ingest) cancel themselves. */
  async revoke(agent: Pick<Agent, 'id'>): Promise<void> {
    await this.redis.set(this.revokedKey(agent), '1', 'EX', REVOKED_MARK_SECS);
    await this.cancel(agent);
  }

  private servicesKey(agent: Pick<Agent, 'id'>): string {
    return `${this.env.redisPrefix}:agents:presence:${agent.id}`;
  }

  private revokedKey(agent: Pick<Agent, 'id'>): string {
    return `${this.env.redisPrefix}:agents:presence:${agent.id}:revoked`;
  }
}
