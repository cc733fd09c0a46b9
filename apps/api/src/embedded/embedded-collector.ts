import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SamplerThread } from '@lib/collectors';
import { releaseVersion } from '@lib/release';
import type { AgentHealth, Snapshot } from '@lib/wire-format';
import { join } from 'node:path';
import { Env } from '../config/env';
import { IngestService } from '../ingest/ingest.service';

/** What the embedded collector says it is, in `hosts.agent_version`. */
export const EMBEDDED_VERSION = `watchtower-api/${releaseVersion()}`;
/** Rates and process bandwidth are differences: one priming sample, then the first one reported. */
const PRIMING_MS = 1000;
/** Snapshots kept while the pipeline cannot queue (Redis away), sent with the next cycle; oldest dropped. */
const PENDING_MAX = 240;

/**
 * Embedded collector mode (AGENT_EMBEDDED=true): the server collects its own host with the agent's Sampler, on
 * a thread of its own, every AGENTS_INTERVAL_SECS, and feeds the ingest pipeline directly, with no socket and
 * no agent (so no presence service: this process's own health is /health/ready). A scheduler: worker role.
 */
@Injectable()
export class EmbeddedCollector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EmbeddedCollector.name);
  private thread: SamplerThread | null = null;
  private timer: NodeJS.Timeout | null = null;
  private cycle: Promise<void> = Promise.resolve();
  private pending: Snapshot[] = [];
  private dropped = 0;
  private failing = false;

  constructor(
    private readonly ingest: IngestService,
    private readonly env: Env,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.env.agentEmbedded) {
      return;
    }
    const settings = this.ingest.settings();
    this.thread = new SamplerThread(
      {
        interfaces: [],
        gateway: this.env.agentGateway,
        dnsServer: this.env.agentDnsServer,
        healthIntervalSecs: settings.health_interval_secs,
        bandwidthAlertBytesPerSec: settings.bandwidth_alert_bytes_per_sec,
        packetCapture: false,
        captureInterface: 'auto',
        hostname: null,
        os: null,
        // beside the quick start's data, so a restart keeps the host's identity
        hostIdFile: join(this.env.dataDir, 'host-id'),
        procRoot: '/proc',
        sysRoot: '/sys',
        etcRoot: '/etc',
        hostRoot: '/',
      },
      (line) => this.logger.warn(line),
    );
    this.logger.log(`embedded collection of this host every ${this.env.agentsIntervalSecs} s`);
    this.cycle = this.prime();
  }

  async onModuleDestroy(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    await this.cycle;
    await thread?.stop();
  }

  private async prime(): Promise<void> {
    await this.thread?.collect(true).catch((error: unknown) => this.report(error));
    this.schedule(PRIMING_MS);
  }

  // one cycle at a time: the next is armed only once this one ended, so a slow store never stacks them up
  private schedule(delayMs: number): void {
    if (!this.thread) {
      return;
    }
    this.timer = setTimeout(() => {
      this.cycle = this.collectAndSend().finally(() => this.schedule(this.env.agentsIntervalSecs * 1000));
    }, delayMs);
  }

  private async collectAndSend(): Promise<void> {
    const thread = this.thread;
    if (!thread) {
      return;
    }
    try {
      const { snapshot, collectorsOk, packetCapture } = await thread.collect();
      this.pending.push(snapshot);
      if (this.pending.length > PENDING_MAX) {
        this.dropped += this.pending.length - PENDING_MAX;
        this.pending.splice(0, this.pending.length - PENDING_MAX);
      }
      const health: AgentHealth = {
        collectors_ok: collectorsOk,
        dropped_count: this.dropped,
        queue_depth: this.pending.length,
        packet_capture: packetCapture,
      };
      await this.ingest.ingest(
        { agent: null, embedded: true },
        {
          agent_version: EMBEDDED_VERSION,
          host: await thread.hostInfo(),
          snapshots: this.pending,
          agent_health: health,
        },
      );
      // the pipeline resolves only once they are durably queued (or refused for good): done with them
      this.pending = [];
      if (this.failing) {
        this.failing = false;
        this.logger.log('embedded collection delivers again');
      }
    } catch (error) {
      this.report(error);
    }
  }

  // one line per outage, not one per cycle
  private report(error: unknown): void {
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(`embedded collection failed, retrying every cycle: ${(error as Error)?.message ?? error}`);
    }
  }
}
