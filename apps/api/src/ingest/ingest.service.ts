import { Injectable } from '@nestjs/common';
import {
  formatValidationError,
  timestampToEpochMicros,
  validateSnapshot,
  type Alert,
  type HostInfo,
  type IngestEnvelope,
  type IngestResponse,
  type SnapshotResult,
} from '@lib/wire-format';
import { Fact, FactsService } from '../alerts/facts.service';
import { Clock } from '../common/clock';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import { Agent } from '../database/entities';
import type { SnapshotRow } from '../database/repositories';
import { HeartbeatService } from '../heartbeat/heartbeat.service';
import { PersistenceService } from '../persistence/persistence.service';
import { toHostRow, toSnapshotRow } from './ingest.rows';

/** What `welcome` gives an agent (agent-protocol.md §3). */
export interface AgentSettings {
  interval_secs: number;
  health_interval_secs: number;
  bandwidth_alert_bytes_per_sec: number;
}

/** Who sent an ingest: an agent (WebSocket or HTTP), or the embedded collector (no agent). */
export interface IngestSource {
  agent: Agent | null;
  /** Overrides HostInfo.hostname in the service names (`agent:<name>`, `host:<name>`). */
  hostname?: string;
  embedded?: boolean;
}

// The agents' own defaults (collectors.md §1.4): the server has no reason to change them yet
const HEALTH_INTERVAL_SECS = 30;
const BANDWIDTH_ALERT_BYTES_PER_SEC = 100_000_000;
/** §4.2: a snapshot more than 24 h away from server time is refused. */
const WINDOW_MICROS = 24 * 3600 * 1_000_000;
const PRESENCE_INTERVALS = 3;

/**
 * The one ingest pipeline, shared by the WebSocket gateway, `POST /api/v1/ingest` and embedded mode: snapshots
 * judged one by one, the good ones and the host durably queued before anything is acknowledged, the agent's
 * presence refreshed, network-intel alerts raised as facts of the host.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly persistence: PersistenceService,
    private readonly facts: FactsService,
    private readonly heartbeats: HeartbeatService,
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  async hello(
    agent: Agent,
    hello: { agent_version: string; host: HostInfo },
    // the protocol is shown by the gateway's connection state; the pipeline itself treats ws and wss alike
    _connection: { protocol: 'ws' | 'wss' },
  ): Promise<{ hostId: string; settings: AgentSettings }> {
    const host = hello.host;
    await this.persistence.record({
      hosts: [
        toHostRow(host, {
          agentId: agent.id,
          agentVersion: hello.agent_version,
          embedded: false,
          seenAt: this.clock.seconds(),
          newestMicros: null,
        }),
      ],
    });
    await this.refreshPresence(agent, host.hostname);
    return { hostId: host.host_id, settings: this.settings() };
  }

  /** Throws StoreUnavailableError (503) when the batch cannot be queued: then nothing is acknowledged. */
  async ingest(source: IngestSource, envelope: IngestEnvelope): Promise<IngestResponse> {
    const host = this.withName(envelope.host, source.hostname);
    const nowMicros = this.clock.nowMs() * 1000;
    const results: SnapshotResult[] = [];
    const rows: SnapshotRow[] = [];
    const facts: Fact[] = [];
    envelope.snapshots.forEach((raw, index) => {
      const checked = validateSnapshot(raw, index);
      if (!checked.ok) {
        results.push({ index, status: 400, message: formatValidationError(checked.error) });
        return;
      }
      // a validated timestamp always parses
      const micros = timestampToEpochMicros(checked.value.timestamp)!;
      if (Math.abs(micros - nowMicros) > WINDOW_MICROS) {
        results.push({ index, status: 400, message: 'Timestamp outside ±24 hour window' });
        return;
      }
      results.push({ index, status: 200, message: 'OK' });
      rows.push(toSnapshotRow(host.host_id, micros, checked.value));
      facts.push(...(checked.value.alerts ?? []).map((alert) => this.intelFact(source.agent, host, alert)));
    });
    const hostRow = toHostRow(host, {
      agentId: source.agent?.id ?? null,
      agentVersion: envelope.agent_version,
      embedded: source.embedded ?? false,
      seenAt: this.clock.seconds(),
      newestMicros: rows.length === 0 ? null : Math.max(...rows.map((r) => r.micros)),
    });
    // events, host and snapshots in one persistence item, then the critical alerts
    await this.facts.raise(facts, { hosts: [hostRow], snapshots: rows });
    if (source.agent) {
      await this.refreshPresence(source.agent, host.hostname);
    }
    const accepted = rows.length;
    return { accepted, rejected: results.length - accepted, host_id: host.host_id, results };
  }

  /** A planned stop: the presence services of the agent are cancelled, so no down alert follows. */
  async bye(agent: Agent): Promise<void> {
    const key = this.presenceKey(agent);
    const services = await this.redis.smembers(key);
    for (const service of services) {
      await this.heartbeats.cancel(service);
    }
    await this.redis.del(key);
  }

  settings(): AgentSettings {
    return {
      interval_secs: this.env.agentsIntervalSecs,
      health_interval_secs: HEALTH_INTERVAL_SECS,
      bandwidth_alert_bytes_per_sec: BANDWIDTH_ALERT_BYTES_PER_SEC,
    };
  }

  private withName(host: HostInfo, hostname: string | undefined): HostInfo {
    return hostname === undefined ? host : { ...host, hostname };
  }

  private async refreshPresence(agent: Agent, hostname: string): Promise<void> {
    const service = `agent:${hostname}`;
    await this.heartbeats.pulse({
      service,
      nextIn: PRESENCE_INTERVALS * this.env.agentsIntervalSecs,
      ...this.channelOf(agent),
    });
    // remembered per agent, because `bye` carries no hostname and one key may report several hosts
    await this.redis.sadd(this.presenceKey(agent), service);
  }

  private presenceKey(agent: Agent): string {
    return `${this.env.redisPrefix}:agents:presence:${agent.id}`;
  }

  private channelOf(agent: Agent | null): { alertType: string; alertTarget: string } {
    if (agent?.alertType && agent.alertTarget !== null) {
      return { alertType: agent.alertType, alertTarget: agent.alertTarget };
    }
    return { alertType: this.env.defaultAlertType, alertTarget: this.env.defaultAlertTarget };
  }

  // Keyed by the alert's own fields: the detector repeats an open alert in every snapshot, stored once
  private intelFact(agent: Agent | null, host: HostInfo, alert: Alert): Fact {
    const critical = alert.severity === 'critical';
    return {
      key: ['intel', host.host_id, alert.category, alert.timestamp, alert.message],
      service: `host:${host.hostname}`,
      date: this.clock.seconds(),
      texts: { title: alert.message, body: alert.detail },
      event: { level: critical ? 5 : 3, message: `${alert.message} - ${alert.detail}`, alert: critical },
      alert: critical ? { kind: 'event', ...channelTarget(this.channelOf(agent)), context: {} } : undefined,
    };
  }
}

function channelTarget(channel: { alertType: string; alertTarget: string }): { type: string; target: string } {
  return { type: channel.alertType, target: channel.alertTarget };
}
