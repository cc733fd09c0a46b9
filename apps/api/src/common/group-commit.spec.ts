import { setImmediate as nextTurn } from 'node:timers/promises';
import { GroupCommit } from './group-commit';

function recorder(lingerMs?: number, maxItems = 100): { commit: GroupCommit<number, number>; flushes: number[][] } {
  const flushes: number[][] = [];
  const commit = new GroupCommit<number, number>(
    async (items) => {
      flushes.push(items);
      if (items.includes(-1)) {
        throw new Error('refused');
      }
      return items.map((n) => n * 10);
    },
    { maxItems, maxBytes: 1_000_000, sizeOf: () => 1, lingerMs },
  );
  return { commit, flushes };
}

describe('GroupCommit', () => {
  it('puts the pushes of one turn in one flush, and the next turn in another', async () => {
    const { commit, flushes } = recorder();
    const first = [commit.push(1), commit.push(2)];
    await nextTurn();
    const second = commit.push(3);
    expect(await Promise.all([...first, second])).toEqual([10, 20, 30]);
    expect(flushes).toEqual([[1, 2], [3]]);
  });

  it('with lingerMs, pushes of several turns share one flush, each with its own result', async () => {
    const { commit, flushes } = recorder(50);
    const pending = [commit.push(1)];
    await nextTurn();
    pending.push(commit.push(2));
    await nextTurn();
    pending.push(commit.push(3));
    expect(await Promise.all(pending)).toEqual([10, 20, 30]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('flushes at maxItems without waiting out the linger', async () => {
    const { commit, flushes } = recorder(60_000, 2);
    expect(await Promise.all([commit.push(1), commit.push(2)])).toEqual([10, 20]);
    expect(flushes).toEqual([[1, 2]]);
  });

  it('fails every push of a refused flush, and only those', async () => {
    const { commit } = recorder(20);
    const refused = [commit.push(1), commit.push(-1)];
    await Promise.allSettled(refused);
    const later = commit.push(2);
    await expect(refused[0]).rejects.toThrow('refused');
    await expect(refused[1]).rejects.toThrow('refused');
    await expect(later).resolves.toBe(20);
  });

  it('with maxInFlight, the pushes of later turns wait for the flush under way and leave together', async () => {
    const flushes: number[][] = [];
    const gates: (() => void)[] = [];
    const commit = new GroupCommit<number, number>(
      async (items) => {
        flushes.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items.map((n) => n * 10);
      },
      { maxItems: 3, maxInFlight: 1 },
    );
    const first = commit.push(1);
    await nextTurn();
    expect(flushes).toEqual([[1]]);
    const waiting = [commit.push(2)];
    await nextTurn();
    waiting.push(commit.push(3));
    await nextTurn();
    expect(flushes).toEqual([[1]]); // held while the first is under way
    gates.shift()!();
    expect(await first).toBe(10);
    await nextTurn();
    expect(flushes).toEqual([[1], [2, 3]]);
    // a full batch leaves at once, in flight or not
    const full = [commit.push(4), commit.push(5), commit.push(6)];
    expect(flushes).toEqual([[1], [2, 3], [4, 5, 6]]);
    gates.splice(0).forEach((open) => open());
    expect(await Promise.all([...waiting, ...full])).toEqual([20, 30, 40, 50, 60]);
  });
});
