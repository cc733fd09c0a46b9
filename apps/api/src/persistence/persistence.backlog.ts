import { Queue } from 'bullmq';
import { Clock } from '../common/clock';
import { HintedError, withDeadline } from '../common/hinted-error';

/** How long one backlog count answers every write: one cheap Redis round trip per second at most. */
const COUNT_TTL_MS = 1000;
const COUNT_DEADLINE_MS = 2000;

/** The persistence backlog is full (PostgreSQL away or too slow): the client retries, as for any store outage. */
export class BacklogFullError extends HintedError {
  constructor(backlog: number, limit: number) {
    super(503, 'unavailable, retry later', { 'retry-after': '5' });
    this.message = `the persistence backlog is full: ${backlog} jobs waiting (PERSISTENCE_BACKLOG_LIMIT ${limit})`;
  }
}

/**
 * Back-pressure on the persistence queue: past `limit` jobs not yet written, new writes are refused instead
 * of growing Redis without bound while PostgreSQL is away. Waiting, prioritized and delayed (retrying)
 * jobs count; the count is cached for a second and shared by concurrent writes.
 */
export class BacklogGate {
  private counted = { value: 0, atMs: -Infinity };
  private counting: Promise<number> | null = null;

  constructor(
    private readonly queue: Queue,
    private readonly limit: number,
    private readonly clock: Clock,
  ) {}

  async check(): Promise<void> {
    const backlog = await this.backlog();
    if (backlog >= this.limit) {
      throw new BacklogFullError(backlog, this.limit);
    }
  }

  private async backlog(): Promise<number> {
    if (this.clock.nowMs() - this.counted.atMs < COUNT_TTL_MS) {
      return this.counted.value;
    }
    this.counting ??= this.count().finally(() => (this.counting = null));
    return this.counting;
  }

  private async count(): Promise<number> {
    try {
      const counts = await withDeadline(
        this.queue.getJobCounts('waiting', 'prioritized', 'delayed'),
        COUNT_DEADLINE_MS,
        'the persistence queue',
      );
      const value = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
      this.counted = { value, atMs: this.clock.nowMs() };
      return value;
    } catch {
      // Redis unreachable: the add that follows fails on its own with the usual 503; never refuse on a guess
      return this.counted.value;
    }
  }
}
