/**
 * How long a write waits for a job missing from the queue order. BullMQ hands over jobs fetched together (the next
 * job a completion fetches, and the one a blocking fetch got) in either order, sometimes a few turns apart: 9 in
 * 3,000 sequentially added jobs on an idle machine, up to 0.5 ms apart, and far longer on a loaded one. Without the
 * wait, a job could be written before the one queued ahead of it, and ids would not follow acceptance (§7.1).
 */
export const GAP_WAIT_MS = 50;
/**
 * Gaps written past in a row, their jobs never seen since, that mean other workers take jobs from the same queue:
 * their gaps never close, so the writer then stops waiting for gaps for SHARED_QUEUE_MS (three waits a minute, not
 * one per write). A job of a gap written past that arrives after all (a slow hand-over) ends that at once.
 */
export const SKIPS_TO_SHARE = 3;
export const SHARED_QUEUE_MS = 60_000;

/** A job whose place in the queue is unknown: it goes last and fills no gap. */
export const UNORDERED = Number.MAX_SAFE_INTEGER;

/**
 * The queue order a worker's writes keep: which of its waiting jobs may be written now, given the jobs written
 * (or failed) so far. `order` counts up by one per job added to the queue (BullMQ's job ids).
 */
export class QueueOrder {
  /** The order that follows the last job written, once there was one. */
  private expected: number | null = null;
  /** Jobs at or past `expected` that will never be written (refused before their write). */
  private readonly passed = new Set<number>();
  /** The gaps written past, oldest first, whose jobs have not arrived since; at most SKIPS_TO_SHARE. */
  private skipped: { from: number; to: number }[] = [];
  private sharedUntil = -Infinity;

  /**
   * How many of `orders` (ascending) may be written now: those before the first gap after the last job written.
   * Late jobs (retries, given back) never wait; jobs of unknown place wait behind a gap like the others.
   */
  ready(orders: readonly number[], now: number): number {
    let next = this.expected;
    if (next === null || now < this.sharedUntil) {
      return orders.length;
    }
    let count = 0;
    for (const order of orders) {
      while (this.passed.has(next)) {
        next += 1;
      }
      if (order === next) {
        next += 1;
      } else if (order > next && order !== UNORDERED) {
        break;
      }
      count += 1;
    }
    return count;
  }

  /** These jobs (ascending) leave in a write: the next one expected follows the last of them. */
  wrote(orders: readonly number[]): void {
    const last = orders.filter((order) => order !== UNORDERED).at(-1);
    if (last !== undefined && (this.expected === null || last >= this.expected)) {
      this.expected = last + 1;
    }
    this.settlePassed();
  }

  /** This job will never be written: no write waits for it. */
  pass(order: number): void {
    if (order !== UNORDERED && (this.expected === null || order >= this.expected)) {
      this.passed.add(order);
      this.settlePassed();
    }
  }

  /** A job arrived: one of a gap written past means that gap was a slow hand-over, not another worker's job. */
  arrived(order: number): void {
    if (this.skipped.some((gap) => order >= gap.from && order <= gap.to)) {
      this.skipped = [];
      this.sharedUntil = -Infinity;
    }
  }

  /** The gap before `head` stayed open: writes go on past it. */
  skip(head: number, now: number): void {
    if (this.expected !== null && head > this.expected) {
      this.skipped = [...this.skipped, { from: this.expected, to: head - 1 }].slice(-SKIPS_TO_SHARE);
      if (this.skipped.length === SKIPS_TO_SHARE) {
        this.sharedUntil = now + SHARED_QUEUE_MS;
      }
    }
    this.expected = head;
    this.settlePassed();
  }

  private settlePassed(): void {
    if (this.expected === null) {
      return;
    }
    while (this.passed.delete(this.expected)) {
      this.expected += 1;
    }
    for (const order of this.passed) {
      if (order < this.expected) {
        this.passed.delete(order);
      }
    }
  }
}
