import { OrderedWrites } from './ordered-writes';

class Outage extends Error {}

/** A writer whose calls stay open until released, recording what each call carried. */
function gatedWriter() {
  const calls: { batch: number[]; release: (error?: Error) => void }[] = [];
  const write = async (batch: number[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      calls.push({ batch, release: (error) => (error ? reject(error) : resolve()) });
    });
  return { calls, write };
}

const tick = async (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const merge = (batches: number[][]): number[] => batches.flat();

describe(OrderedWrites.name, () => {
  it('merges the jobs that arrive during a write into the next one, in arrival order', async () => {
    const writer = gatedWriter();
    const writes = new OrderedWrites(merge, writer.write, (e) => e instanceof Outage, 10);
    const done: number[] = [];
    const first = writes.write([1]).then(() => done.push(1));
    const rest = [2, 3, 4].map(async (n) => writes.write([n, n * 10]).then(() => done.push(n)));
    await tick();
    expect(writer.calls.map((c) => c.batch)).toEqual([[1]]);
    writer.calls[0].release();
    await first;
    await tick();
    expect(writer.calls.map((c) => c.batch)).toEqual([[1], [2, 20, 3, 30, 4, 40]]);
    expect(done).toEqual([1]);
    writer.calls[1].release();
    await Promise.all(rest);
    expect(done).toEqual([1, 2, 3, 4]);
  });

  it('tries a failed merged write job by job, so only the bad batch fails', async () => {
    const written: number[][] = [];
    const writes = new OrderedWrites(
      merge,
      async (batch: number[]) => {
        if (batch.includes(13)) {
          throw new Error('bad row');
        }
        written.push(batch);
      },
      (e) => e instanceof Outage,
      10,
    );
    // the first is written alone; the next three arrive while it runs and are merged
    const results = await Promise.allSettled([
      writes.write([1]),
      writes.write([12]),
      writes.write([13]),
      writes.write([14]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(written).toEqual([[1], [12], [14]]);
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
      (e) => e instanceof Outage,
      5,
    );
    await Promise.all([writes.write([1]), writes.write([2])]);
    // [2] arrived while [1] waited out the outage: it follows in a write of its own
    expect(written).toEqual([[1], [2]]);
    expect(failures).toBe(-2);
  });

  it('after stop, fails an outage at once, the last job first', async () => {
    const writes = new OrderedWrites(
      merge,
      async () => Promise.reject(new Outage()),
      (e) => e instanceof Outage,
      60_000,
    );
    const order: number[] = [];
    const first = writes.write([1]).catch(() => order.push(1));
    await tick();
    const later = [2, 3].map(async (n) => writes.write([n]).catch(() => order.push(n)));
    writes.stop();
    await Promise.all([first, ...later]);
    expect(order).toEqual([1, 3, 2]);
  });
});
