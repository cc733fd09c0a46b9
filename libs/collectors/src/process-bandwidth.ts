import type { ConnectionDetail, ProcessBandwidth } from '@lib/wire-format';
import { Pacer, PACE_EVERY } from './pacer';

interface SocketCounters {
  rx: number;
  tx: number;
}

// the wire format has no room for NaN or infinities, whatever the clock does
const rate = (bytes: number, seconds: number): number => {
  const value = seconds > 0 ? bytes / seconds : 0;
  return Number.isFinite(value) ? value : 0;
};

/**
 * Bytes and rates per process over the last interval, from the sockets' cumulative counters (spec §3.6,
 * netwatch 0.3+ semantics). The state is explicit: the counters of the ESTABLISHED sockets of the last
 * sample, keyed `"<local_addr>|<remote_addr>"`, and the time of that sample.
 */
export class ProcessBandwidthTracker {
  private sockets = new Map<string, SocketCounters>();
  private previousTime: number | null = null;

  /**
   * Groups ESTABLISHED connections by (name, pid) and ranks the groups by total rate.
   * @param connections every parsed connection of this cycle (`ConnectionsSample.all`)
   * @param now monotonic time in milliseconds (e.g. `performance.now()`), never wall-clock time
   * @param max rows kept after ranking
   * @param pacer hands the loop back on a busy host's thousands of sockets (see Pacer)
   */
  async sample(
    connections: ConnectionDetail[],
    now: number,
    max = 25,
    pacer = Pacer.never,
  ): Promise<ProcessBandwidth[]> {
    const elapsed = this.previousTime === null ? 0 : Math.max(0, (now - this.previousTime) / 1000);
    this.previousTime = now;

    const groups = new Map<string, ProcessBandwidth>();
    const seen = new Map<string, SocketCounters>();
    for (let index = 0; index < connections.length; index++) {
      if (index % PACE_EVERY === PACE_EVERY - 1) {
        await pacer.pause();
      }
      const conn = connections[index];
      if (conn.state !== 'ESTABLISHED') {
        continue;
      }
      const name = conn.process_name ?? `pid:${conn.pid ?? 0}`;
      const key = `${name}\u0000${conn.pid ?? ''}`;
      let group = groups.get(key);
      if (!group) {
        group = {
          process_name: name,
          pid: conn.pid,
          rx_bytes: 0,
          tx_bytes: 0,
          rx_rate: 0,
          tx_rate: 0,
          connection_count: 0,
        };
        groups.set(key, group);
      }
      group.connection_count += 1;
      if (conn.rx_bytes === undefined || conn.tx_bytes === undefined) {
        continue;
      }
      const socket = `${conn.local_addr}|${conn.remote_addr}`;
      const previous = this.sockets.get(socket);
      // a socket new to us (or whose counters went backwards) moved nothing we can attribute yet
      group.rx_bytes += previous ? Math.max(0, conn.rx_bytes - previous.rx) : 0;
      group.tx_bytes += previous ? Math.max(0, conn.tx_bytes - previous.tx) : 0;
      seen.set(socket, { rx: conn.rx_bytes, tx: conn.tx_bytes });
    }
    this.sockets = seen;

    const rows = [...groups.values()];
    for (const row of rows) {
      row.rx_rate = rate(row.rx_bytes, elapsed);
      row.tx_rate = rate(row.tx_bytes, elapsed);
    }
    // Array.prototype.sort is stable, so equal rates keep first-seen order
    return rows.sort((a, b) => b.rx_rate + b.tx_rate - (a.rx_rate + a.tx_rate)).slice(0, max);
  }
}
