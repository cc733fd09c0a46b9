import { OrderedWrites } from './ordered-writes';
import { SKIPS_TO_SHARE } from './queue-order';

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

  it('writes the jobs one by one when merging them throws, rather than leave them pending', async () => {
    const written: number[][] = [];
    const writes = new OrderedWrites<number[]>(
      () => {
        throw new Error('cannot merge');
      },
      async (batch) => void written.push(batch),
      isOutage,
      5,
    );
    await Promise.all([writes.write([2], 2), writes.write([1], 1)]);
    expect(written).toEqual([[1], [2]]);
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

  /** Writes job `order` past the gap before it, once the gap has been waited out; how long that took. */
  async function writtenPast(
    writer: ReturnType<typeof gatedWriter>,
    writes: OrderedWrites<number[]>,
    order: number,
  ): Promise<number> {
    const started = performance.now();
    const calls = writer.calls.length;
    const written = writes.write([order], order);
    while (writer.calls.length === calls) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const waited = performance.now() - started;
    expect(writer.calls.at(-1)?.batch).toEqual([order]);
    writer.calls.at(-1)?.release();
    await written;
    return waited;
  }

  it(`writes past a gap that stays open; after ${SKIPS_TO_SHARE} in a row, waits for none (another worker takes their jobs)`, async () => {
    const { writer, writes } = await afterWrite(1, 30);
    // jobs 2, 4 and 6 never come
    for (const order of [3, 5, 7]) {
      expect(await writtenPast(writer, writes, order)).toBeGreaterThanOrEqual(25);
    }
    const ninth = writes.write([9], 9);
    await ticks(2);
    expect(writer.calls.map((c) => c.batch)).toEqual([[1], [3], [5], [7], [9]]);
    writer.calls[4].release();
    await ninth;
  });

  it('waits for gaps again once a job of a gap written past arrives (a slow hand-over, not another worker)', async () => {
    const { writer, writes } = await afterWrite(1, 30);
    for (const order of [3, 5, 7]) {
      await writtenPast(writer, writes, order);
    }
    const sixth = writes.write([6], 6);
    await ticks(2);
    writer.calls[4].release();
    await sixth;
    // 8 is the next expected: 9 waits for it
    const ninth = writes.write([9], 9);
    await ticks(5);
    expect(writer.calls.map((c) => c.batch)).toEqual([[1], [3], [5], [7], [6]]);
    const eighth = writes.write([8], 8);
    await ticks(2);
    expect(writer.calls.at(-1)?.batch).toEqual([8, 9]);
    writer.calls.at(-1)?.release();
    await Promise.all([eighth, ninth]);
  });

  it('does not wait for a job refused before its write (a malformed job)', async () => {
    const { writer, writes } = await afterWrite(1, 60_000);
    const third = writes.write([3], 3);
    await ticks(3);
    expect(writer.calls).toHaveLength(1);
    writes.pass(2);
    await ticks(2);
    expect(writer.calls.map((c) => c.batch)).toEqual([[1], [3]]);
    writer.calls[1].release();
    await third;
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
