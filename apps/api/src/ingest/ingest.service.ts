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
import { agentChannel, AgentPresence, AgentSettings } from '../agents/agent-presence';
import { Fact, FactsService } from '../alerts/facts.service';
import { Clock } from '../common/clock';
import { Env } from '../config/env';
import { Agent } from '../database/entities';
import type { SnapshotRow } from '../database/repositories';
import { PersistenceService } from '../persistence/persistence.service';
import { toHostRow, toSnapshotRow } from './ingest.rows';

/** Who sent an ingest: an agent (WebSocket or HTTP), or the embedded collector (no agent). */
export interface IngestSource {
  agent: Agent | null;
  /** Overrides HostInfo.hostname in the service names (`agent:<name>`, `host:<name>`). */
  hostname?: string;
  embedded?: boolean;
}

/** §4.2: a snapshot more than 24 h away from server time is refused. */
const WINDOW_MICROS = 24 * 3600 * 1_000_000;

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
    private readonly presence: AgentPresence,
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
    await this.persistence.record(
      {
        hosts: [
          toHostRow(host, {
            agentId: agent.id,
            agentVersion: hello.agent_version,
            embedded: false,
            seenAt: this.clock.seconds(),
            newestMicros: null,
          }),
        ],
      },
      // with the snapshots' host rows, so the two never reorder
      { linger: true },
    );
    await this.presence.refresh(agent, host.hostname);
    return { hostId: host.host_id, settings: this.presence.settingsOf(agent) };
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
    // events, host and snapshots in one persistence item, then the critical alerts; an agent's ack may wait a
    // little for other agents' snapshots to share the job (persistence.service.ts, LINGER_MS)
    await this.facts.raise(facts, { hosts: [hostRow], snapshots: rows }, { linger: true });
    if (source.agent) {
      await this.presence.refresh(source.agent, host.hostname);
    }
    const accepted = rows.length;
    return { accepted, rejected: results.length - accepted, host_id: host.host_id, results };
  }

  /** The server's defaults, for the embedded collector (no agent, no stored settings). */
  settings(): AgentSettings {
    return this.presence.settingsOf(null);
  }

  private withName(host: HostInfo, hostname: string | undefined): HostInfo {
    return hostname === undefined ? host : { ...host, hostname };
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
      alert: critical ? { kind: 'event', ...channelTarget(agentChannel(agent, this.env)), context: {} } : undefined,
    };
  }
}

function channelTarget(channel: { alertType: string; alertTarget: string }): { type: string; target: string } {
  return { type: channel.alertType, target: channel.alertTarget };
}
