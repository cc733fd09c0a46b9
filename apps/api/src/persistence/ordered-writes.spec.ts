import { OrderedWrites } from './ordered-writes';

class Outage extends Error {}

const isOutage = (error: unknown): boolean => error instanceof Outage;
const merge = (batches: number[][]): number[] => batches.flat();
const tick = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A writer whose calls stay open until released, recording what each call carried. */
function gatedWriter() {
  const calls: { batch: number[]; release: (error?: Error) => void }[] = [];
  const write = async (batch: number[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      calls.push({ batch, release: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, write };
}

describe(OrderedWrites.name, () => {
  it('writes the jobs of one turn together in queue order, and those arriving during a write next', async () => {
    const writer = gatedWriter();
    const writes = new OrderedWrites(merge, writer.write, isOutage, 10);
    const done: number[] = [];
    // handed over out of order, as two fetches answered in one socket read may be
    const firstTurn = [writes.write([2], 2).then(() => done.push(2)), writes.write([1], 1).then(() => done.push(1))];
    await tick();
    expect(writer.calls.map((c) => c.batch)).toEqual([[1, 2]]);
    const later = [4, 3].map(async (n) => writes.write([n, n * 10], n).then(() => done.push(n)));
    await tick();
    expect(writer.calls).toHaveLength(1);
    writer.calls[0].release();
    await Promise.all(firstTurn);
    await tick();
    expect(writer.calls.map((c) => c.batch)).toEqual([
      [1, 2],
      [3, 30, 4, 40],
    ]);
    writer.calls[1].release();
    await Promise.all(later);
    expect(done).toEqual([1, 2, 3, 4]);
  });

  it('tries a failed merged write job by job, so only the bad batch fails, waiting out an outage on the way', async () => {
    const written: number[][] = [];
    let outages = 1;
    const writes = new OrderedWrites(
      merge,
      async (batch: number[]) => {
        if (batch.length === 1 && batch[0] === 12 && outages-- > 0) {
          throw new Outage();
        }
        if (batch.includes(13)) {
          throw new Error('bad row');
        }
        written.push(batch);
      },
      isOutage,
      5,
    );
    const results = await Promise.allSettled([12, 13, 14, 11].map(async (n) => writes.write([n], n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(written).toEqual([[11], [12], [14]]);
  });

  it('waits out an outage with the same group, then writes it once', async () => {
    let failures = 2;
    const written: number[][] = [];
    const writes = new OrderedWrites(
      merge,
      async (batch: number[]) => {
        if (failures-- > 0) {
          throw new Outage();
        }
        written.push(batch);
      },
      isOutage,
      5,
    );
    await Promise.all([writes.write([1], 1), writes.write([2], 2)]);
    expect(written).toEqual([[1, 2]]);
    expect(failures).toBe(-1);
  });

  it('after stop, gives back every held job at once, the last in queue order first', async () => {
    const writes = new OrderedWrites(merge, async () => Promise.reject(new Outage()), isOutage, 60_000);
    const order: number[] = [];
    const first = writes.write([1], 1).catch(() => order.push(1));
    await tick();
    // these two wait behind the write that waits out the outage
    const later = [3, 2].map(async (n) => writes.write([n], n).catch(() => order.push(n)));
    writes.stop();
    await Promise.all([first, ...later]);
    expect(order).toEqual([3, 2, 1]);
  });
});

describe(`${OrderedWrites.name} gaps in the queue order`, () => {
  const ticks = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i += 1) {
      await tick();
    }
  };

  /** A writer that has written job `first`, so it waits for `first + 1` next. */
  async function afterWrite(first: number, gapWaitMs: number) {
    const writer = gatedWriter();
    const writes = new OrderedWrites(merge, writer.write, isOutage, 10, gapWaitMs);
    const written = writes.write([first], first);
    await tick();
    writer.calls[0].release();
    await written;
    return { writer, writes };
  }

  it('holds a job whose predecessor arrives some turns later, and writes both in queue order', async () => {
    const { writer, writes } = await afterWrite(1, 60_000);
    // 3 before 2, several turns apart: BullMQ's completion fetch and its blocking fetch race like this
    const third = writes.write([3], 3);
    await ticks(5);
    expect(writer.calls).toHaveLength(1);
    const second = writes.write([2], 2);
    await ticks(2);
    expect(writer.calls.map((c) => c.batch)).toEqual([[1], [2, 3]]);
    writer.calls[1].release();
    await Promise.all([second, third]);
  });

  it('writes past a gap that stays open, then stops waiting for gaps (another worker takes their jobs)', async () => {
    const { writer, writes } = await afterWrite(1, 30);
    const started = performance.now();
    const third = writes.write([3], 3);
    while (writer.calls.length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(writer.calls[1].batch).toEqual([3]);
    writer.calls[1].release();
    await third;
    // job 4 never comes: 5 is written at once now
    const fifth = writes.write([5], 5);
    await ticks(2);
    expect(writer.calls.map((c) => c.batch)).toEqual([[1], [3], [5]]);
    writer.calls[2].release();
    await fifth;
  });

  it('lets a late job (a retry) and a job of unknown place through without waiting', async () => {
    const { writer, writes } = await afterWrite(5, 60_000);
    const late = [writes.write([2], 2), writes.write([9], Number.MAX_SAFE_INTEGER), writes.write([6], 6)];
    await tick();
    expect(writer.calls.map((c) => c.batch)).toEqual([[5], [2, 6, 9]]);
    writer.calls[1].release();
    await Promise.all(late);
  });
});
