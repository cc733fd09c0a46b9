import type { InterfaceMetric } from '@lib/wire-format';
import type { InterfaceCounters } from './interfaces';

interface InterfaceState {
  rxBytes: number;
  txBytes: number;
  rxHistory: number[];
  txHistory: number[];
}

// the largest double below 2^64: the reference's `rate as u64` saturates there instead of overflowing
const U64_MAX = 2 ** 64 - 2048;

function historyValue(rate: number): number {
  return Math.min(Math.trunc(rate), U64_MAX);
}

/**
 * Byte deltas, rates and rate histories per interface (spec §3.2). The state is explicit: the previous
 * counters and histories of the interfaces seen in the last sample, and the time of that sample.
 */
export class InterfaceRateTracker {
  private interfaces = new Map<string, InterfaceState>();
  private previousTime: number | null = null;

  /** @param capacity history length; 60 samples are about 15 minutes at the default 15 s cadence */
  constructor(private readonly capacity = 60) {}

  /**
   * Adds deltas, rates and histories to one sample of counters, sorted by name.
   * @param now monotonic time in milliseconds (e.g. `performance.now()`), never wall-clock time
   */
  sample(counters: InterfaceCounters[], now: number): InterfaceMetric[] {
    const previousTime = this.previousTime;
    const first = previousTime === null;
    const elapsed = previousTime === null ? 0 : Math.max(0, (now - previousTime) / 1000);
    this.previousTime = now;

    const next = new Map<string, InterfaceState>();
    const metrics = counters.map((current): InterfaceMetric => {
      const previous = this.interfaces.get(current.name);
      // a counter that went backwards (driver reset, 32-bit wrap) is a zero delta, not a huge one
      const rxDelta = previous ? Math.max(0, current.rx_bytes - previous.rxBytes) : 0;
      const txDelta = previous ? Math.max(0, current.tx_bytes - previous.txBytes) : 0;
      const rxRate = elapsed > 0 ? rxDelta / elapsed : 0;
      const txRate = elapsed > 0 ? txDelta / elapsed : 0;
      const state: InterfaceState = {
        rxBytes: current.rx_bytes,
        txBytes: current.tx_bytes,
        rxHistory: previous?.rxHistory ?? [],
        txHistory: previous?.txHistory ?? [],
      };
      if (!first) {
        this.push(state.rxHistory, historyValue(rxRate));
        this.push(state.txHistory, historyValue(txRate));
      }
      next.set(current.name, state);
      // keys in the wire table's order, so payloads diff cleanly against the reference agent's
      const metric: InterfaceMetric = {
        name: current.name,
        is_up: current.is_up,
        rx_bytes: current.rx_bytes,
        tx_bytes: current.tx_bytes,
        rx_bytes_delta: rxDelta,
        tx_bytes_delta: txDelta,
        rx_packets: current.rx_packets,
        tx_packets: current.tx_packets,
        rx_errors: current.rx_errors,
        tx_errors: current.tx_errors,
        rx_drops: current.rx_drops,
        tx_drops: current.tx_drops,
        rx_rate: rxRate,
        tx_rate: txRate,
      };
      if (state.rxHistory.length > 0) {
        metric.rx_history = [...state.rxHistory];
        metric.tx_history = [...state.txHistory];
      }
      return metric;
    });
    // interfaces absent from this sample are forgotten: a returning one starts over like a new one
    this.interfaces = next;
    return metrics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private push(history: number[], value: number): void {
    history.push(value);
    if (history.length > this.capacity) {
      history.splice(0, history.length - this.capacity);
    }
  }
}
