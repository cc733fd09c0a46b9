/**
 * Work on a busy host's socket table takes hundreds of ms of CPU (25,000 sockets: 170-350 ms to parse), and
 * the agent collects on its main event loop, next to its uplink. collectors.md §1.3 allows no block over
 * 5 ms, so long loops call `pause()` between small steps, and it hands the loop back (one `setImmediate`
 * turn) once the current stretch has run for `budgetMs`. Below the budget it costs one microtask.
 */
export class Pacer {
  /** A pacer that never yields, for callers with nothing else on their loop (tests, one-shot commands). */
  static readonly never = new Pacer(Infinity);

  private since: number;
  /** Turns handed back so far (for the collection's own figures and tests). */
  yields = 0;

  constructor(
    /** Longest stretch of work between two turns of the loop: 1 ms, leaving the 5 ms budget room for one step, a GC pause and an awaited callback. */
    private readonly budgetMs = 1,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.since = clock();
  }

  async pause(): Promise<void> {
    if (this.clock() - this.since < this.budgetMs) {
      return;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.yields++;
    this.since = this.clock();
  }
}

/** Items between two looks at the pacer in per-socket loops: at a few µs each, 256 overrun its budget by 1 ms at most. */
export const PACE_EVERY = 256;

/**
 * `text` cut into runs of whole lines of at least `size` characters (the last one shorter), for parsers that
 * take whole lines: a run ends at a newline, and never before a line for which `continues(text, start)` says
 * it belongs to the line above (the `-i` detail lines of `ss`). The runs are slices: nothing is copied.
 */
export function lineRuns(
  text: string,
  size = 16_384,
  continues: (text: string, lineStart: number) => boolean = () => false,
): string[] {
  const runs: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', Math.min(text.length, start + size));
    while (end >= 0 && end + 1 < text.length && continues(text, end + 1)) {
      end = text.indexOf('\n', end + 1);
    }
    if (end < 0 || end + 1 >= text.length) {
      runs.push(text.slice(start));
      break;
    }
    runs.push(text.slice(start, end + 1));
    start = end + 1;
  }
  return runs;
}

/** The text after the first line (the header of `ss` output and of the `/proc/net` tables). */
export function afterHeader(text: string): string {
  const newline = text.indexOf('\n');
  return newline < 0 ? '' : text.slice(newline + 1);
}

/**
 * Hands `each` the text after its header line in runs of whole lines (see `lineRuns`), pausing between runs:
 * how the line parsers of `ss` and `/proc/net` output keep a busy host's text from blocking the loop.
 */
export async function eachRunAfterHeader(
  text: string,
  pacer: Pacer,
  each: (run: string) => void,
  size?: number,
  continues?: (text: string, lineStart: number) => boolean,
): Promise<void> {
  for (const run of lineRuns(afterHeader(text), size, continues)) {
    each(run);
    await pacer.pause();
  }
}
