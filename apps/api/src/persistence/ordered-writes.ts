/**
 * How long a write waits for a job missing from the queue order. BullMQ hands over jobs fetched together (the next
 * job a completion fetches, and the one a blocking fetch got) in either order, sometimes a few turns apart: 9 in
 * 3,000 sequentially added jobs on an idle machine, up to 0.5 ms apart, and far longer on a loaded one. Without the
 * wait, a job could be written before the one queued ahead of it, and ids would not follow acceptance (§7.1).
 */
export const GAP_WAIT_MS = 50;
/**
 * A gap that stays open that long means another worker took the missing job: with several workers on one queue
 * gaps never close, so the writer stops waiting for them this long (one wait a minute, not one per write).
 */
export const SHARED_QUEUE_MS = 60_000;

/**
 * Writes the batches of the jobs a worker has in flight together, one write at a time, in the order of the jobs in
 * their queue: the jobs that arrive while a write runs are merged into the next one, sorted by their place in the
 * queue (`order`, the job's id), and a write starts one turn after its first job arrived, so that jobs fetched in
 * the same socket read join it whatever order BullMQ hands them over in. With one job at a time the writer spent
 * each job's queue round trips waiting, and each INSERT carried only the ~50 events of one API turn; in flight
 * together they overlap, and ids still follow the queue's order: a job whose predecessor in the queue has not
 * arrived yet waits up to GAP_WAIT_MS for it. `order` must count up by one per job; a job of unknown place passes
 * `Number.MAX_SAFE_INTEGER` and goes last, waiting for nothing.
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
  /** The order that follows the last job written (or failed), once there was one. */
  private expected: number | null = null;
  private gapsIgnoredUntil = -Infinity;

  constructor(
    private readonly merge: (batches: T[]) => T,
    private readonly writeOne: (batch: T) => Promise<void>,
    private readonly outage: (error: unknown) => boolean,
    private readonly retryMs: number,
    private readonly gapWaitMs = GAP_WAIT_MS,
  ) {}

  async write(batch: T, order: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, order, resolve, reject, at: performance.now() });
      this.arrived?.();
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.run());
      }
    });
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
      this.advance(group);
      const done = await this.attempt(group.length === 1 ? group[0].batch : this.merge(group.map((e) => e.batch)));
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

  /**
   * How many of the waiting jobs (sorted) may be written now: those up to the first gap in the queue order after
   * the last one written. Late jobs (retries, given back) and jobs of unknown place never wait.
   */
  private ready(): number {
    let next = this.expected;
    if (next === null || performance.now() < this.gapsIgnoredUntil) {
      return this.waiting.length;
    }
    let count = 0;
    for (const { order } of this.waiting) {
      if (order === next) {
        next += 1;
      } else if (order > next && order !== Number.MAX_SAFE_INTEGER) {
        break;
      }
      count += 1;
    }
    return count;
  }

  /** Until the missing job arrives or the first job behind the gap has waited gapWaitMs; then the gap is skipped. */
  private async waitForGap(): Promise<void> {
    const left = this.waiting[0].at + this.gapWaitMs - performance.now();
    const closed = left > 0 && (await this.until(left));
    if (!closed && this.ready() === 0) {
      this.expected = this.waiting[0].order;
      this.gapsIgnoredUntil = performance.now() + SHARED_QUEUE_MS;
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

  private advance(group: Entry<T>[]): void {
    const last = group.filter((e) => e.order !== Number.MAX_SAFE_INTEGER).at(-1)?.order;
    if (last !== undefined && (this.expected === null || last >= this.expected)) {
      this.expected = last + 1;
    }
  }

  /** True once written; the error when it failed otherwise than by an outage, or by one after `stop()`. */
  private async attempt(batch: T): Promise<true | { error: unknown }> {
    for (;;) {
      try {
        await this.writeOne(batch);
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
      const done = await this.attempt(entry.batch);
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
