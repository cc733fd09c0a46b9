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
