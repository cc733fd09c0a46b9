import type { AlertDraft } from './alert-log';
import { BW_ALERT_CLEAR_RATIO, BW_ALERT_CONSECUTIVE, DEFAULT_BANDWIDTH_THRESHOLD, forgetStale } from './constants';
import type { RateSample } from './events';

interface InterfaceState {
  consecutiveOver: number;
  active: boolean;
  threshold: number;
  lastSeen: number;
}

/** Decimal units at one decimal: `200.0 MB`, `1.5 KB`, `999 B` (collectors spec §4.7). */
export function formatBytes(v: number): string {
  if (v >= 1e9) {
    return `${(v / 1e9).toFixed(1)} GB`;
  }
  if (v >= 1e6) {
    return `${(v / 1e6).toFixed(1)} MB`;
  }
  if (v >= 1e3) {
    return `${(v / 1e3).toFixed(1)} KB`;
  }
  return `${v} B`;
}

/** Rates above a threshold for two samples in a row, with a 90 % hysteresis band (collectors spec §4.7). */
export class BandwidthDetector {
  private readonly interfaces = new Map<string, InterfaceState>();
  private threshold: number;

  /** @param threshold bytes per second, for rx and tx separately. */
  constructor(threshold = DEFAULT_BANDWIDTH_THRESHOLD) {
    this.threshold = validThreshold(threshold);
  }

  /** Applies a new threshold to every interface at once; their counters and alert state stay as they are. */
  setThreshold(threshold: number): void {
    this.threshold = validThreshold(threshold);
    for (const state of this.interfaces.values()) {
      state.threshold = this.threshold;
    }
  }

  /** `now` is monotonic ms. Returns the alert to raise, if any. */
  observe(sample: RateSample, now: number): AlertDraft | null {
    const rx = sanitize(sample.rxBps);
    const tx = sanitize(sample.txBps);
    let state = this.interfaces.get(sample.iface);
    if (!state) {
      state = { consecutiveOver: 0, active: false, threshold: this.threshold, lastSeen: now };
      this.interfaces.set(sample.iface, state);
    }
    state.lastSeen = now;
    if (rx > state.threshold || tx > state.threshold) {
      state.consecutiveOver += 1;
      if (state.consecutiveOver >= BW_ALERT_CONSECUTIVE && !state.active) {
        state.active = true;
        return {
          severity: 'warning',
          category: 'bandwidth',
          message: `${sample.iface}: bandwidth threshold exceeded`,
          detail: `RX: ${formatBytes(rx)}/s, TX: ${formatBytes(tx)}/s (threshold: ${formatBytes(state.threshold)}/s)`,
        };
      }
      return null;
    }
    // between 90 % and 100 % nothing changes, so a rate hovering at the threshold does not flap
    const clearBelow = BW_ALERT_CLEAR_RATIO * state.threshold;
    if (rx < clearBelow && tx < clearBelow) {
      state.consecutiveOver = 0;
      state.active = false;
    }
    return null;
  }

  /** ours: forgets interfaces not sampled for 300 s (veth churn), like the other idle state. */
  prune(now: number): void {
    forgetStale(this.interfaces, now, (state) => state.lastSeen);
  }

  /** Number of tracked interfaces. */
  get size(): number {
    return this.interfaces.size;
  }
}

// a threshold from config or the server is already validated; a bad one falls back rather than alerting always
function validThreshold(v: number): number {
  return Number.isFinite(v) && v >= 0 ? Math.trunc(v) : DEFAULT_BANDWIDTH_THRESHOLD;
}

// rates arrive truncated (§1.2 step 8); anything else is clamped so a message never shows NaN or -1 B
function sanitize(v: number): number {
  return Number.isFinite(v) && v > 0 ? Math.trunc(v) : 0;
}
