import { GAP_WAIT_MS, QueueOrder } from './queue-order';

/**
 * Writes the batches of the jobs a worker has in flight together, one write at a time, in the order of the jobs in
 * their queue: the jobs that arrive while a write runs are merged into the next one, sorted by their place in the
 * queue (`order`, the job's id), and a write starts one turn after its first job arrived, so that jobs fetched in
 * the same socket read join it whatever order BullMQ hands them over in. With one job at a time the writer spent
 * each job's queue round trips waiting, and each INSERT carried only the ~50 events of one API turn; in flight
 * together they overlap, and ids still follow the queue's order: a job whose predecessor in the queue has not
 * arrived yet waits up to GAP_WAIT_MS for it (QueueOrder). A job of unknown place passes UNORDERED and goes last.
 *
 * A write that fails with an `outage` error is tried again every `retryMs`, its jobs kept in flight and in order,
 * until it succeeds or `stop()`; a merged write that fails otherwise is tried again job by job, so one bad batch
 * fails alone.
 */
export class OrderedWrites<T> {
  private waiting: Entry<T>[] = [];
  private writing = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private arrived: (() => void) | null = null;
  private readonly order = new QueueOrder();

  constructor(
    private readonly merge: (batches: T[]) => T,
    private readonly writeOne: (batch: T) => Promise<void>,
    private readonly outage: (error: unknown) => boolean,
    private readonly retryMs: number,
    private readonly gapWaitMs = GAP_WAIT_MS,
  ) {}

  async write(batch: T, order: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.order.arrived(order);
      this.waiting.push({ batch, order, resolve, reject, at: performance.now() });
      this.arrived?.();
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.run());
      }
    });
  }

  /** The job of this order was refused before its write (a malformed job): no write waits for it. */
  pass(order: number): void {
    this.order.pass(order);
    this.arrived?.();
  }

  /**
   * From now on an outage fails every held job at once, the last in queue order first: each goes back to the head
   * of its queue, ahead of the one rejected before it, so they come back in order.
   */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.waiting.length > 0) {
      this.waiting.sort((a, b) => a.order - b.order);
      const ready = this.ready();
      if (ready === 0) {
        await this.waitForGap();
        continue;
      }
      const group = this.waiting.splice(0, ready);
      this.order.wrote(group.map((entry) => entry.order));
      const done = await this.attempt(() =>
        group.length === 1 ? group[0].batch : this.merge(group.map((e) => e.batch)),
      );
      if (done === true) {
        group.forEach((entry) => entry.resolve());
      } else if (this.outage(done.error)) {
        this.giveBack(group, done.error);
      } else if (group.length === 1) {
        group[0].reject(done.error);
      } else {
        await this.oneByOne(group);
      }
    }
    this.writing = false;
  }

  private ready(): number {
    return this.order.ready(
      this.waiting.map((entry) => entry.order),
      performance.now(),
    );
  }

  /** Until the missing job arrives or the longest-waiting job has waited gapWaitMs; then the gap is written past. */
  private async waitForGap(): Promise<void> {
    const since = Math.min(...this.waiting.map((entry) => entry.at));
    const left = since + this.gapWaitMs - performance.now();
    const arrived = left > 0 && (await this.until(left));
    if (!arrived && this.ready() === 0) {
      this.order.skip(this.waiting[0].order, performance.now());
    }
  }

  /** True when a job arrived within `ms`. */
  private async until(ms: number): Promise<boolean> {
    const arrived = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.arrived = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.arrived = null;
    return arrived;
  }

  /** True once written; the error when it failed otherwise than by an outage, or by one after `stop()`. */
  private async attempt(batchOf: () => T): Promise<true | { error: unknown }> {
    for (;;) {
      try {
        await this.writeOne(batchOf());
        return true;
      } catch (error) {
        if (!this.outage(error) || this.stopped) {
          return { error };
        }
        await this.pause();
        if (this.stopped) {
          return { error };
        }
      }
    }
  }

  private async oneByOne(group: Entry<T>[]): Promise<void> {
    for (const [i, entry] of group.entries()) {
      const done = await this.attempt(() => entry.batch);
      if (done === true) {
        entry.resolve();
      } else if (this.outage(done.error)) {
        this.giveBack(group.slice(i), done.error);
        return;
      } else {
        entry.reject(done.error);
      }
    }
  }

  /** Rejects `group` and everything waiting behind it, the last in queue order first. */
  private giveBack(group: Entry<T>[], error: unknown): void {
    const held = [...group, ...this.waiting].sort((a, b) => b.order - a.order);
    this.waiting = [];
    held.forEach((entry) => entry.reject(error));
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

interface Entry<T> {
  batch: T;
  order: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** performance.now() when the job arrived */
  at: number;
}
