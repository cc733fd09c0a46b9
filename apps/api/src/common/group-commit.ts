/**
 * Batches items pushed in the same event-loop turn into one flush, and settles every push with the
 * outcome of its flush. This is how one BullMQ job carries many events or transitions: at our target rates
 * one queue write per request would cap throughput (../shared/NOTES.md).
 */
export class GroupCommit<T> {
  private pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly limits: { maxItems: number; maxBytes: number; sizeOf: (item: T) => number },
  ) {}

  async push(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
