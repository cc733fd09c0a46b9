import type { Alert, DnsAnalytics, PacketCaptureState } from '@lib/wire-format';
import { AlertLog, type AlertDraft } from './alert-log';
import { BandwidthDetector } from './bandwidth';
import { BeaconingDetector } from './beaconing';
import { type Clock, systemClock } from './clock';
import { DEFAULT_BANDWIDTH_THRESHOLD, PRUNE_PERIOD_SECS } from './constants';
import { DnsDetector } from './dns';
import type { CaptureEvent, EventSource, RateSample } from './events';
import { PortScanDetector } from './port-scan';

/** Options of {@link NetworkIntel}. */
export interface NetworkIntelOptions {
  clock?: Clock;
  /** Bytes per second (`BANDWIDTH_ALERT_BYTES_PER_SEC`); default 100 000 000. */
  bandwidthThreshold?: number;
  /** The packet capture when `PACKET_CAPTURE` is enabled; without one only the bandwidth detector runs. */
  source?: EventSource;
}

/** The network_intel part of one snapshot. */
export interface NetworkIntelSnapshot {
  /** Active alerts in raise order; the snapshot omits `alerts` when this is empty. */
  alerts: Alert[];
  /** Undefined while all DNS counters are 0 (always so without capture); the snapshot then omits the key. */
  dnsAnalytics: DnsAnalytics | undefined;
  /** For `agent_health.packet_capture`: anything but `active` means only the bandwidth detector runs. */
  packetCapture: PacketCaptureState;
}

/**
 * All network_intel state (collectors spec §4): the four detectors, the alert lifecycle and the optional
 * capture that feeds them. Events are handled one at a time, synchronously.
 */
export class NetworkIntel {
  private readonly clock: Clock;
  private readonly source: EventSource | undefined;
  private readonly alerts = new AlertLog();
  private readonly portScan = new PortScanDetector();
  private readonly beaconing = new BeaconingDetector();
  private readonly dns = new DnsDetector();
  private readonly bandwidth: BandwidthDetector;
  private lastPrune: number;

  constructor(options: NetworkIntelOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.source = options.source;
    this.bandwidth = new BandwidthDetector(options.bandwidthThreshold ?? DEFAULT_BANDWIDTH_THRESHOLD);
    this.lastPrune = this.clock.monotonicMs();
  }

  /** Starts the capture, if any. Never rejects: a capture that cannot start reports `unavailable`. */
  async start(): Promise<PacketCaptureState> {
    if (!this.source) {
      return 'off';
    }
    return this.source.start((event) => this.handle(event));
  }

  /** Stops the capture (kills tcpdump). */
  async stop(): Promise<void> {
    await this.source?.stop();
  }

  /** `off` without a source, else the source's state. */
  get packetCapture(): PacketCaptureState {
    return this.source?.state ?? 'off';
  }

  /** Feeds one capture event to the detectors that want it. */
  handle(event: CaptureEvent): void {
    const now = this.clock.monotonicMs();
    switch (event.kind) {
      case 'conn':
        this.raise(this.portScan.observe(event, now), now);
        this.raise(this.beaconing.observe(event, now), now);
        break;
      case 'dns-query':
        this.raise(this.dns.observeQuery(event, now), now);
        break;
      case 'dns-response':
        this.dns.observeResponse(event, now);
        break;
    }
  }

  /** Feeds this cycle's truncated interface rates to the bandwidth detector (§1.2 step 8). */
  observeRates(samples: RateSample[]): void {
    const now = this.clock.monotonicMs();
    for (const sample of samples) {
      this.raise(this.bandwidth.observe(sample, now), now);
    }
  }

  /** A new threshold applies to every interface at once (`settings_update`). */
  setBandwidthThreshold(bytesPerSec: number): void {
    this.bandwidth.setThreshold(bytesPerSec);
  }

  /** Once per cycle, after the rate samples: expiries every call, pruning at most every 30 s (§4.8). */
  tick(): void {
    const now = this.clock.monotonicMs();
    this.dns.expire(now);
    this.alerts.expire(now);
    if (now - this.lastPrune <= PRUNE_PERIOD_SECS * 1000) {
      return;
    }
    this.lastPrune = now;
    this.portScan.prune(now);
    this.beaconing.prune(now);
    this.dns.prune(now);
    this.bandwidth.prune(now);
  }

  /** What the current snapshot carries. */
  snapshot(): NetworkIntelSnapshot {
    return {
      alerts: this.alerts.activeAlerts(),
      dnsAnalytics: this.dns.analytics(),
      packetCapture: this.packetCapture,
    };
  }

  /** Entries held by each bounded map, for diagnostics (they never outgrow the caps of spec §3.14). */
  stateSizes(): Record<'sources' | 'beacons' | 'tunnels' | 'domains' | 'outstanding' | 'interfaces', number> {
    return {
      sources: this.portScan.size,
      beacons: this.beaconing.size,
      ...this.dns.sizes,
      interfaces: this.bandwidth.size,
    };
  }

  /** The last 100 alerts raised, oldest first (not on the wire). */
  alertHistory(): Alert[] {
    return this.alerts.history();
  }

  private raise(draft: AlertDraft | null, now: number): void {
    if (draft) {
      this.alerts.raise(draft, now, this.clock.wallMs());
    }
  }
}
