/** One queued snapshot, serialized once when collected (its `timestamp` never changes across retries). */
export interface QueuedSnapshot {
  /** Increasing; an ack removes entries by seq, so a drop while a batch is in flight cannot shift the wrong ones. */
  seq: number;
  /** The snapshot as `serializeSnapshot` wrote it. */
  json: string;
  bytes: number;
}

/**
 * The agent's bounded in-memory FIFO (wire-format.md §5.1, agent-protocol.md §4): when full the oldest snapshot
 * is dropped and counted; a batch is peeked, never taken, and leaves only through `remove` once acknowledged.
 */
export class SendQueue {
  private items: QueuedSnapshot[] = [];
  private nextSeq = 0;
  /** Snapshots dropped because the queue was full, since the agent started (`agent_health.dropped_count`). */
  dropped = 0;

  constructor(readonly max: number) {}

  get depth(): number {
    return this.items.length;
  }

  push(json: string): void {
    if (this.items.length >= this.max) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push({ seq: this.nextSeq++, json, bytes: Buffer.byteLength(json) });
  }

  /** Up to `count` of the oldest snapshots, left in the queue. */
  peek(count: number): QueuedSnapshot[] {
    return this.items.slice(0, count);
  }

  /** Removes the given entries if still queued (one may have been dropped meanwhile); returns how many went. */
  remove(entries: readonly QueuedSnapshot[]): number {
    const gone = new Set(entries.map((entry) => entry.seq));
    const before = this.items.length;
    this.items = this.items.filter((entry) => !gone.has(entry.seq));
    return before - this.items.length;
  }
}
