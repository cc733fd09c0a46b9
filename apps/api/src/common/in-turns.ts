import { setImmediate as onCheck } from 'node:timers';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Items that callers sharing it may start per event-loop turn, all together: several loops slicing their work with
 * `inTurns` on their own still started a slice each in the same turn (4 sweeper lanes: up to 400 deaths, about
 * 26 ms, in one turn).
 */
export class TurnBudget {
  private spent = 0;
  private resetting = false;
  /** Callers waiting for room, served first come first served: no lane raises twice while another waits. */
  private readonly waiting: { count: number; resolve: () => void }[] = [];

  constructor(readonly perTurn: number) {}

  /** Resolves in a turn with room for `count` items (a turn of its own for one larger than the budget). */
  async take(count: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(count)) {
      this.spend(count);
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push({ count, resolve }));
  }

  private fits(count: number): boolean {
    return this.spent === 0 || this.spent + count <= this.perTurn;
  }

  private spend(count: number): void {
    this.spent += count;
    if (!this.resetting) {
      // the next check phase begins a new turn's budget; a waiter let in there starts its slice in that turn
      this.resetting = true;
      // node:timers, like nextTurn: a test's fake timers replace only the global one
      onCheck(() => this.newTurn());
    }
  }

  private newTurn(): void {
    this.resetting = false;
    this.spent = 0;
    while (this.waiting.length > 0 && this.fits(this.waiting[0].count)) {
      const next = this.waiting.shift()!;
      this.spend(next.count);
      next.resolve();
    }
  }
}

/**
 * Runs `step` on each slice of `items`, one slice per event-loop turn, the slices' awaits overlapping: each slice's
 * synchronous work (building 100 alerts and their jobs takes milliseconds) lets the requests waiting between
 * them in, where 1,000 at once held every pulse for 30-60 ms (bench deadlines, ANALYSIS.md). With a `budget`,
 * slices (of its `perTurn` items) start when it has room, shared with its other users. Resolves once every slice
 * is done; rejects with the first failure, after the other slices have settled.
 */
export async function inTurns<T>(
  items: readonly T[],
  size: number | TurnBudget,
  step: (slice: T[]) => Promise<void>,
): Promise<void> {
  const budget = typeof size === 'number' ? null : size;
  const sliceSize = budget?.perTurn ?? (size as number);
  let failure: { error: unknown } | undefined;
  const steps: Promise<void>[] = [];
  for (let start = 0; start < items.length; start += sliceSize) {
    const slice = items.slice(start, start + sliceSize);
    if (budget !== null) {
      await budget.take(slice.length);
    } else if (start > 0) {
      await nextTurn();
    }
    // handled at once: a slice failing while later ones are still being started is no unhandled rejection
    steps.push(step(slice).catch((error: unknown) => void (failure ??= { error })));
  }
  await Promise.all(steps);
  if (failure !== undefined) {
    throw failure.error;
  }
}
