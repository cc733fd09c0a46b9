import type { AlertDraft } from './alert-log';
import { MAX_TRACKED_IPS, PORT_SCAN_THRESHOLD, PORT_SCAN_WINDOW_SECS, forgetStale } from './constants';
import type { ConnAttempt } from './events';

interface SourceState {
  windowStart: number;
  lastSeen: number;
  ports: Set<number>;
  alerted: boolean;
}

/** Many distinct destination ports from one source in a 30 s tumbling window (collectors spec §4.3). */
export class PortScanDetector {
  private readonly sources = new Map<string, SourceState>();

  /** `now` is monotonic ms. Returns the alert to raise, if any. */
  observe(event: ConnAttempt, now: number): AlertDraft | null {
    let state = this.sources.get(event.srcIp);
    if (!state) {
      if (this.sources.size >= MAX_TRACKED_IPS) {
        return null;
      }
      state = { windowStart: now, lastSeen: now, ports: new Set(), alerted: false };
      this.sources.set(event.srcIp, state);
    }
    // tumbling: the window is anchored at its first event and restarts whole, it never slides
    if (now - state.windowStart > PORT_SCAN_WINDOW_SECS * 1000) {
      state.windowStart = now;
      state.ports.clear();
      state.alerted = false;
    }
    state.lastSeen = now;
    state.ports.add(event.dstPort);
    if (state.ports.size < PORT_SCAN_THRESHOLD || state.alerted) {
      return null;
    }
    state.alerted = true;
    return {
      severity: 'critical',
      category: 'port_scan',
      message: `Port scan from ${event.srcIp}`,
      detail: `${event.srcIp} → ${state.ports.size} unique ports in ${PORT_SCAN_WINDOW_SECS}s targeting ${event.dstIp}`,
    };
  }

  /** Forgets sources idle for 300 s or more. */
  prune(now: number): void {
    forgetStale(this.sources, now, (state) => state.lastSeen);
  }

  /** Number of tracked source IPs (at most 1000). */
  get size(): number {
    return this.sources.size;
  }
}
