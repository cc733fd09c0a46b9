/**
 * Writes the batches of the jobs a worker has in flight together, one write at a time, in the order the jobs began:
 * the jobs that arrive while a write runs are merged into the next one. With one job at a time the writer spent
 * each job's queue round trips waiting, and each INSERT carried only the ~50 events of one API turn; in flight
 * together they overlap, and ids still follow the queue's order.
 *
 * A write that fails with an `outage` error is tried again every `retryMs`, its jobs kept in flight and in order,
 * until it succeeds or `stop()`; a merged write that fails otherwise is tried again job by job, so one bad batch
 * fails alone.
 */
export class OrderedWrites<T> {
  private readonly waiting: { batch: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly merge: (batches: T[]) => T,
    private readonly writeOne: (batch: T) => Promise<void>,
    private readonly outage: (error: unknown) => boolean,
    private readonly retryMs: number,
  ) {}

  async write(batch: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      if (!this.writing) {
        void this.run();
      }
    });
  }

  /** From now on an outage fails its writes at once (the jobs go back to the queue) instead of waiting it out. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.waiting.length);
      const merged = group.length === 1 ? group[0].batch : this.merge(group.map((entry) => entry.batch));
      for (;;) {
        try {
          await this.writeOne(merged);
          group.forEach((entry) => entry.resolve());
        } catch (error) {
          if (this.outage(error) && !this.stopped) {
            await this.pause();
            continue;
          }
          await this.fail(group, error);
        }
        break;
      }
    }
    this.writing = false;
  }

  private async fail(group: typeof this.waiting, error: unknown): Promise<void> {
    if (group.length === 1 || this.outage(error)) {
      // last first: each job that goes back to the queue is pushed ahead of the one before it
      [...group].reverse().forEach((entry) => entry.reject(error));
      return;
    }
    for (const entry of group) {
      await this.writeOne(entry.batch).then(entry.resolve, entry.reject);
    }
  }

  private async pause(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.retryMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }
}
