export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** A connection that lived this long resets the delay (patchmon-lessons.md §6: not on dial success). */
  resetAfterMs: number;
  /** Uniform in [0, 1); injected by tests. */
  random?: () => number;
}

export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 60_000, resetAfterMs: 60_000 };

/**
 * Full-jitter exponential backoff (agent-protocol.md §2): the n-th consecutive failure waits a uniform delay in
 * [0, min(cap, base x 2^n)]. Resetting on a successful dial would allow a tight loop against a server that
 * accepts and then closes, so only a connection that lived `resetAfterMs` resets it.
 */
export class Backoff {
  private failures = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.options.capMs, this.options.baseMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.floor(this.random() * ceiling);
  }

  /** A connection ended after living `livedMs`; long enough and the next delay starts from the base again. */
  ended(livedMs: number): void {
    if (livedMs >= this.options.resetAfterMs) {
      this.failures = 0;
    }
  }

  reset(): void {
    this.failures = 0;
  }
}
