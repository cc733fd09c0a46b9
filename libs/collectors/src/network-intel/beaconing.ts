import type { AlertDraft } from './alert-log';
import {
  BEACON_JITTER_THRESHOLD,
  BEACON_MAX_INTERVAL_SECS,
  BEACON_MAX_SAMPLES,
  BEACON_MIN_INTERVAL_SECS,
  BEACON_MIN_SAMPLES,
  MAX_TRACKED_BEACONS,
  forgetStale,
} from './constants';
import type { ConnAttempt } from './events';

interface BeaconState {
  lastSeen: number;
  /** Seconds between attempts, fractional, the last 8. */
  intervals: number[];
  alerted: boolean;
}

/** Connection attempts to one (src, dst, port) at a regular interval (collectors spec §4.4). */
export class BeaconingDetector {
  private readonly keys = new Map<string, BeaconState>();

  /** `now` is monotonic ms. Returns the alert to raise, if any. */
  observe(event: ConnAttempt, now: number): AlertDraft | null {
    // a space never occurs in an address, so the key cannot collide
    const key = `${event.srcIp} ${event.dstIp} ${event.dstPort}`;
    let state = this.keys.get(key);
    if (!state) {
      if (this.keys.size >= MAX_TRACKED_BEACONS) {
        return null;
      }
      state = { lastSeen: now, intervals: [], alerted: false };
      this.keys.set(key, state);
    }
    const delta = Math.max(0, now - state.lastSeen) / 1000;
    state.lastSeen = now;
    const whole = Math.floor(delta);
    if (whole >= BEACON_MIN_INTERVAL_SECS && whole <= BEACON_MAX_INTERVAL_SECS) {
      state.intervals.push(delta);
      if (state.intervals.length > BEACON_MAX_SAMPLES) {
        state.intervals.shift();
      }
    }
    if (state.intervals.length < BEACON_MIN_SAMPLES || state.alerted) {
      return null;
    }
    const n = state.intervals.length;
    const mean = state.intervals.reduce((sum, x) => sum + x, 0) / n;
    const sd = Math.sqrt(state.intervals.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n);
    const jitter = mean > 0 ? sd / mean : 1;
    if (!(jitter < BEACON_JITTER_THRESHOLD)) {
      return null;
    }
    // the key never re-arms until pruning forgets it
    state.alerted = true;
    return {
      severity: 'warning',
      category: 'beaconing',
      message: `Beaconing: ${event.srcIp} → ${event.dstIp}:${event.dstPort}`,
      detail: `Regular interval ${mean.toFixed(1)}s (jitter ${(jitter * 100).toFixed(1)}%), ${n} samples`,
    };
  }

  /** Forgets keys idle for 300 s or more. */
  prune(now: number): void {
    forgetStale(this.keys, now, (state) => state.lastSeen);
  }

  /** Number of tracked (src, dst, port) keys (at most 500). */
  get size(): number {
    return this.keys.size;
  }
}
