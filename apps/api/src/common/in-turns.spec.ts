import { inTurns } from './in-turns';

describe(inTurns.name, () => {
  it('runs every slice once, in order, each started in a turn of its own', async () => {
    const started: number[][] = [];
    const turns: number[] = [];
    let turn = 0;
    // counts event-loop turns: an immediate scheduled again from each one
    const tick = (): void => void (turn++, (timer = setImmediate(tick)));
    let timer = setImmediate(tick);
    try {
      await inTurns([1, 2, 3, 4, 5, 6, 7], 3, async (slice) => {
        started.push(slice);
        turns.push(turn);
        await Promise.resolve();
      });
    } finally {
      clearImmediate(timer);
    }
    expect(started).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(new Set(turns).size).toBe(3);
  });

  it('lets the slices overlap: the next starts before the previous has finished', async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const done = inTurns(['a', 'b'], 1, async ([name]) => {
      events.push(`start ${name}`);
      if (name === 'a') {
        await gate;
      } else {
        release();
      }
      events.push(`end ${name}`);
    });
    await done;
    expect(events).toEqual(['start a', 'start b', 'end b', 'end a']);
  });

  it('rejects with the first failure, only once every slice has settled', async () => {
    const settled: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const outcome = inTurns(['bad', 'slow', 'worse'], 1, async ([name]) => {
      if (name === 'slow') {
        await gate;
      }
      settled.push(name);
      if (name !== 'slow') {
        throw new Error(name);
      }
    });
    const seen = outcome.catch((error: Error) => ({ error: error.message, settled: [...settled] }));
    // the failures are in; the slow slice still runs, so the outcome must wait for it
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await seen).toEqual({ error: 'bad', settled: ['bad', 'worse', 'slow'] });
  });

  it('does nothing for no items', async () => {
    const step = jest.fn(async () => undefined);
    await inTurns([], 10, step);
    expect(step).not.toHaveBeenCalled();
  });
});
