/**
 * Batches items pushed in the same event-loop turn into one flush, and settles every push with the
 * outcome of its flush: the flush's result at the item's index, or its error. This is how one BullMQ job
 * carries many events or transitions, and one script call many pulses: at our target rates one queue write
 * or one Redis round trip per request would cap throughput (../shared/NOTES.md).
 */
export class GroupCommit<T, R = void> {
  private pending: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[] | void>,
    private readonly limits: { maxItems: number; maxBytes: number; sizeOf: (item: T) => number },
  ) {}

  async push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pendingBytes += this.limits.sizeOf(item);
      if (this.pending.length >= this.limits.maxItems || this.pendingBytes >= this.limits.maxBytes) {
        this.drain();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    });
  }

  private drain(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (batch.length === 0) {
      return;
    }
    this.flush(batch.map((entry) => entry.item)).then(
      (results) => batch.forEach((entry, i) => entry.resolve((results as R[] | undefined)?.[i] as R)),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
