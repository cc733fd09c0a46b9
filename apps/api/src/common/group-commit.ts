/**
 * `maxBytes` with `sizeOf`: a batch is also flushed once its items weigh that much; without them, only `maxItems`
 * bounds it. `lingerMs`: how long the first item of a batch waits for others; without it, until the end of its turn.
 * `maxInFlight`: while that many flushes are under way, a batch waits for one of them to settle (or to fill up)
 * instead of leaving at the end of its turn.
 */
export type GroupCommitLimits<T> = { maxItems: number; lingerMs?: number; maxInFlight?: number } & (
  { maxBytes: number; sizeOf: (item: T) => number } | { maxBytes?: undefined; sizeOf?: undefined }
);

/**
 * Batches items pushed in the same event-loop turn (or within `lingerMs`) into one flush, and settles every push
 * with the outcome of its flush: the flush's result at the item's index, or its error. This is how one BullMQ job
 * carries many events or transitions, and one script call many pulses: at our target rates one queue write
 * or one Redis round trip per request would cap throughput (../shared/NOTES.md).
 */
export class GroupCommit<T, R = void> {
  private pending: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  /** A batch whose turn ended while `maxInFlight` flushes were under way: the next one to settle sends it. */
  private held = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[] | void>,
    private readonly limits: GroupCommitLimits<T>,
  ) {}

  async push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pendingBytes += this.limits.sizeOf?.(item) ?? 0;
      if (this.full()) {
        this.drain();
      } else if (!this.scheduled) {
        this.scheduled = true;
        if (this.limits.lingerMs) {
          this.timer = setTimeout(() => this.drain(), this.limits.lingerMs);
        } else {
          setImmediate(() => this.drain());
        }
      }
    });
  }

  private full(): boolean {
    return this.pending.length >= this.limits.maxItems || this.pendingBytes >= (this.limits.maxBytes ?? Infinity);
  }

  private drain(): void {
    if (this.inFlight >= (this.limits.maxInFlight ?? Infinity) && !this.full()) {
      this.held = true;
      return;
    }
    this.held = false;
    this.scheduled = false;
    // a batch that filled up before its linger ended: the next batch starts a linger of its own
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (batch.length === 0) {
      return;
    }
    this.inFlight++;
    this.flush(batch.map((entry) => entry.item))
      .then(
        (results) => batch.forEach((entry, i) => entry.resolve((results as R[] | undefined)?.[i] as R)),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.inFlight--;
        if (this.held) {
          this.drain();
        }
      });
  }
}
