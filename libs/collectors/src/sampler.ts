import type { HostInfo, PacketCaptureState, Snapshot } from '@lib/wire-format';
import { TcpdumpSource } from './capture';
import { CommandRunner } from './command-runner';
import { collectConnections } from './connections';
import { collectDisk } from './disk';
import { detectHealthTargets } from './gateway-dns';
import { HealthCollector } from './health';
import { collectHostInfo, collectUptime } from './host-info';
import { loadHostId } from './host-id';
import { collectInterfaces } from './interfaces';
import { ManualEventSource, NetworkIntel } from './network-intel';
import { Pacer } from './pacer';
import { FileReader, hostFs } from './proc-fs';
import { ProcessBandwidthTracker } from './process-bandwidth';
import { collectProcessMetadata } from './processes';
import { InterfaceRateTracker } from './rate-tracker';
import { ShellRunner } from './shell-runner';
import { collectSystem } from './system';
import { collectTcpStates, tcpStatesFromSs } from './tcp-states';

/** What one collection cycle needs to know: the agent's settings (AgentEnv) or the API's embedded mode. */
export interface SamplerOptions {
  /** Empty = every interface. */
  interfaces: string[];
  /** Probe targets; null = detected from /proc/net/route and resolv.conf. */
  gateway: string | null;
  dnsServer: string | null;
  healthIntervalSecs: number;
  bandwidthAlertBytesPerSec: number;
  packetCapture: boolean;
  captureInterface: string;
  hostname: string | null;
  os: string | null;
  hostIdFile: string;
  procRoot: string;
  sysRoot: string;
  etcRoot: string;
  hostRoot: string;
}

/** The settings a server may change on a running Sampler (agent-protocol.md §3, `settings_update`). */
export type LiveSamplerSettings = Partial<Pick<SamplerOptions, 'healthIntervalSecs' | 'bandwidthAlertBytesPerSec'>>;

export interface Sample {
  snapshot: Snapshot;
  /** False when any collector failed in this cycle (collectors.md §1.3). */
  collectorsOk: boolean;
  packetCapture: PacketCaptureState;
}

const LOG_EVERY_MS = 60_000;

/**
 * One collection cycle (collectors.md §1.2) over the collectors of this lib, with the state that lives across
 * cycles: rate and process trackers, health targets, the network_intel detectors. The agent runs it on its
 * main loop (its long loops are paced, see Pacer); the API's embedded mode on a thread (SamplerThread), which
 * keeps even the paced steps and their garbage away from the pulses' latency.
 */
export class Sampler {
  private readonly rates = new InterfaceRateTracker();
  private readonly processes = new ProcessBandwidthTracker();
  private readonly intel: NetworkIntel;
  private readonly lastLogged = new Map<string, number>();
  private health: HealthCollector | null = null;
  private lastHealthAt = -Infinity;
  private healthIntervalSecs: number;
  private host: HostInfo | null = null;
  private started = false;

  /** Commands run through helper shells unless a test injects its own runner (see ShellRunner for why). */
  private readonly ownRunner: ShellRunner | null;
  private readonly commands: CommandRunner;

  constructor(
    private readonly env: SamplerOptions,
    private readonly fs: FileReader = hostFs,
    commands?: CommandRunner,
    /** Where collector failures are reported (at most once a minute each); libs have no logger of their own. */
    private readonly warn: (line: string) => void = (line) => console.warn(line),
  ) {
    this.ownRunner = commands ? null : new ShellRunner();
    this.commands = commands ?? this.ownRunner!;
    this.healthIntervalSecs = env.healthIntervalSecs;
    this.intel = new NetworkIntel({
      bandwidthThreshold: env.bandwidthAlertBytesPerSec,
      source: env.packetCapture
        ? new TcpdumpSource({ iface: env.captureInterface })
        : new ManualEventSource('unavailable'),
    });
  }

  /**
   * Applies new settings from the next cycle on; the caller has checked their bounds. A new health interval
   * counts from the last probe, so a shorter one can make the next cycle probe at once.
   */
  reconfigure(settings: LiveSamplerSettings): void {
    if (settings.healthIntervalSecs !== undefined) {
      this.healthIntervalSecs = settings.healthIntervalSecs;
    }
    if (settings.bandwidthAlertBytesPerSec !== undefined) {
      this.intel.setBandwidthThreshold(settings.bandwidthAlertBytesPerSec);
    }
  }

  /** Host identity and fixed facts, read once; uptime is refreshed on every call (§2.2). */
  async hostInfo(): Promise<HostInfo> {
    if (!this.host) {
      const id = await loadHostId(this.env.hostIdFile);
      if (id.writeError) {
        this.warn(`host id not saved to ${this.env.hostIdFile}: ${id.writeError.message}`);
      }
      this.host = await collectHostInfo(this.fs, this.commands, {
        hostId: id.hostId,
        hostname: this.env.hostname ?? undefined,
        os: this.env.os ?? undefined,
        proc: this.env.procRoot,
        etc: this.env.etcRoot,
      });
    }
    return { ...this.host, uptime_secs: (await collectUptime(this.fs, this.env.procRoot)) ?? this.host.uptime_secs };
  }

  /** `skipHealth`: a priming sample (rates need two) must not use up the health probe. */
  async collect(now = performance.now(), skipHealth = false): Promise<Sample> {
    if (!this.started) {
      this.started = true;
      await this.intel.start();
      const targets = await detectHealthTargets(this.fs, this.commands, {
        gateway: this.env.gateway ?? undefined,
        dnsServer: this.env.dnsServer ?? undefined,
        proc: this.env.procRoot,
        etc: this.env.etcRoot,
        hostRoot: this.env.hostRoot,
      });
      this.health = new HealthCollector(targets, this.commands);
    }
    let ok = true;
    const guard = async <T>(name: string, fallback: T, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        ok = false;
        this.logFailure(name, error);
        return fallback;
      }
    };
    const { env, fs, commands } = this;
    // one pacer for the whole cycle, so the budget counts across collectors, not from each one's start
    const pacer = new Pacer();

    const interfaces = await guard('interfaces', [], async () => {
      const tracked = this.rates.sample(await collectInterfaces(fs, env.sysRoot), now);
      return env.interfaces.length ? tracked.filter((i) => env.interfaces.includes(i.name)) : tracked;
    });
    const sockets = await guard('connections', null, async () =>
      collectConnections(fs, commands, { proc: env.procRoot, pacer }),
    );
    const tcp = await guard('tcp states', { tcp_time_wait: null, tcp_close_wait: null }, async () =>
      sockets?.source === 'ss' ? tcpStatesFromSs(sockets.all, pacer) : collectTcpStates(fs, env.procRoot, pacer),
    );
    const processes = await guard('processes', [], async () => {
      const top = await this.processes.sample(sockets?.all ?? [], now, undefined, pacer);
      return top.length ? collectProcessMetadata(top, fs, commands, { proc: env.procRoot }) : top;
    });
    const system = await guard('system', null, async () => collectSystem(fs, { proc: env.procRoot }));
    const disk = await guard('disk', { disk_usage: null, disk_io: null }, async () =>
      collectDisk(fs, { proc: env.procRoot, sys: env.sysRoot, host: env.hostRoot }),
    );
    const due = !skipHealth && now - this.lastHealthAt >= this.healthIntervalSecs * 1000;
    const health = due ? await this.probeHealth(now, guard) : null;

    this.intel.observeRates(
      interfaces.map((i) => ({ iface: i.name, rxBps: Math.trunc(i.rx_rate ?? 0), txBps: Math.trunc(i.tx_rate ?? 0) })),
    );
    this.intel.tick();
    const intel = this.intel.snapshot();

    const snapshot: Snapshot = {
      // the end of collection, as the reference agent stamps it (§1.2 step 10)
      timestamp: new Date().toISOString(),
      interfaces,
      health,
      connection_count: sockets?.connection_count ?? null,
      system,
      disk_usage: disk.disk_usage,
      disk_io: disk.disk_io,
      tcp_time_wait: tcp.tcp_time_wait,
      tcp_close_wait: tcp.tcp_close_wait,
    };
    if (processes.length) {
      snapshot.processes = processes;
    }
    if (sockets?.connections.length) {
      snapshot.connections = sockets.connections;
    }
    if (intel.alerts.length) {
      snapshot.alerts = intel.alerts;
    }
    if (intel.dnsAnalytics) {
      snapshot.dns_analytics = intel.dnsAnalytics;
    }
    return { snapshot, collectorsOk: ok, packetCapture: intel.packetCapture };
  }

  async stop(): Promise<void> {
    await this.intel.stop();
    this.ownRunner?.close();
  }

  private async probeHealth(
    now: number,
    guard: <T>(name: string, fallback: T, run: () => Promise<T>) => Promise<T>,
  ): Promise<Snapshot['health']> {
    this.lastHealthAt = now;
    return guard('health', null, async () => (this.health ? this.health.probe() : null));
  }

  private logFailure(name: string, error: unknown): void {
    const last = this.lastLogged.get(name) ?? -Infinity;
    if (Date.now() - last >= LOG_EVERY_MS) {
      this.lastLogged.set(name, Date.now());
      this.warn(`${name} collector failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}
