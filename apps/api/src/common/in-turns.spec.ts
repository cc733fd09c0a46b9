import { inTurns, TurnBudget } from './in-turns';

/** Counts event-loop turns (an immediate scheduled again from each one) until `stop()`. */
function turnCounter(): { now: () => number; stop: () => void } {
  let turn = 0;
  let timer: NodeJS.Immediate;
  const tick = (): void => {
    turn += 1;
    timer = setImmediate(tick);
  };
  timer = setImmediate(tick);
  return { now: () => turn, stop: () => clearImmediate(timer) };
}

describe(inTurns.name, () => {
  it('runs every slice once, in order, each started in a turn of its own', async () => {
    const started: number[][] = [];
    const turns: number[] = [];
    const turn = turnCounter();
    try {
      await inTurns([1, 2, 3, 4, 5, 6, 7], 3, async (slice) => {
        started.push(slice);
        turns.push(turn.now());
        await Promise.resolve();
      });
    } finally {
      turn.stop();
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

  it('with a shared budget, starts at most its items per turn across every caller', async () => {
    const started: { caller: string; turn: number; items: number }[] = [];
    const turn = turnCounter();
    const budget = new TurnBudget(2);
    try {
      // three loops (as the sweeper's lanes), each with 4 items: alone, each would start 2 a turn
      await Promise.all(
        ['a', 'b', 'c'].map(async (caller) =>
          inTurns([1, 2, 3, 4], budget, async (slice) => {
            started.push({ caller, turn: turn.now(), items: slice.length });
            await Promise.resolve();
          }),
        ),
      );
    } finally {
      turn.stop();
    }
    expect(started.map((s) => s.items).reduce((a, b) => a + b, 0)).toBe(12);
    const perTurn = new Map<number, number>();
    started.forEach((s) => perTurn.set(s.turn, (perTurn.get(s.turn) ?? 0) + s.items));
    expect(Math.max(...perTurn.values())).toBe(2);
    // first come, first served: no caller starts twice while another waits
    expect(started.map((s) => s.caller)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('fills each turn up to its budget with waiting callers, in the order they came, latecomers behind', async () => {
    const started: { caller: string; turn: number }[] = [];
    const turn = turnCounter();
    const budget = new TurnBudget(2);
    const run = async (caller: string) =>
      inTurns([caller], budget, async () => void started.push({ caller, turn: turn.now() }));
    try {
      const first = ['a', 'b', 'c', 'd'].map(run);
      // comes while c and d wait: it must not start before them
      const late = Promise.resolve().then(async () => run('e'));
      await Promise.all([...first, late]);
    } finally {
      turn.stop();
    }
    expect(started.map((s) => s.caller)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const turns = [...new Set(started.map((s) => s.turn))];
    expect(turns).toHaveLength(3);
    expect(turns.map((t) => started.filter((s) => s.turn === t).length)).toEqual([2, 2, 1]);
  });

  it('lets no latecomer in ahead of a waiting caller, even where the turn has room for it', async () => {
    const started: string[] = [];
    const budget = new TurnBudget(2);
    const run = async (caller: string, items: number[]) =>
      inTurns(items, budget, async () => void started.push(caller));
    // a spends 1 of 2; b's 2 do not fit, so b waits; c's 1 would fit beside a, but b came first
    await Promise.all([run('a', [1]), run('b', [1, 2]), run('c', [1])]);
    expect(started).toEqual(['a', 'b', 'c']);
  });
});
