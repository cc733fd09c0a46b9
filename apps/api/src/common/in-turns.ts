import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs `step` on each slice of `items`, one slice per event-loop turn, the slices' awaits overlapping: each slice's
 * synchronous work (building 100 alerts and their jobs takes milliseconds) lets the requests waiting between
 * them in, where 1,000 at once held every pulse for 30-60 ms (bench deadlines, ANALYSIS.md). Resolves once every
 * slice is done; rejects with the first failure, after the other slices have settled.
 */
export async function inTurns<T>(
  items: readonly T[],
  size: number,
  step: (slice: T[]) => Promise<void>,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const steps: Promise<void>[] = [];
  for (let start = 0; start < items.length; start += size) {
    if (start > 0) {
      await nextTurn();
    }
    // handled at once: a slice failing while later ones are still being started is no unhandled rejection
    steps.push(step(items.slice(start, start + size)).catch((error: unknown) => void (failure ??= { error })));
  }
  await Promise.all(steps);
  if (failure !== undefined) {
    throw failure.error;
  }
}
