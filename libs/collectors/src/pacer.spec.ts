import fc from 'fast-check';
import { afterHeader, lineRuns, Pacer } from './pacer';

/** Resolves `work` while counting the loop turns (setImmediate callbacks) that ran before it finished. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const tick = (): void => {
    if (!done) {
      turns++;
      setImmediate(tick);
    }
  };
  setImmediate(tick);
  await work();
  done = true;
  return turns;
}

describe('Pacer', () => {
  it('hands the loop back once the budget has run out, and restarts the budget there', async () => {
    let now = 0;
    const pacer = new Pacer(2, () => now);
    await pacer.pause();
    now = 1.9;
    await pacer.pause();
    expect(pacer.yields).toBe(0);
    now = 2;
    await pacer.pause();
    expect(pacer.yields).toBe(1);
    now = 3.5;
    await pacer.pause();
    expect(pacer.yields).toBe(1);
    now = 4;
    await pacer.pause();
    expect(pacer.yields).toBe(2);
  });

  it('lets other callbacks of the loop run while it waits, and none while within budget', async () => {
    let now = 0;
    const pacer = new Pacer(2, () => now);
    const within = await turnsDuring(async () => {
      for (let i = 0; i < 100; i++) {
        await pacer.pause();
      }
    });
    expect(within).toBe(0);
    const spent = await turnsDuring(async () => {
      for (let i = 0; i < 5; i++) {
        now += 2;
        await pacer.pause();
      }
    });
    expect(spent).toBeGreaterThanOrEqual(4);
    expect(pacer.yields).toBe(5);
  });

  it('never yields when told so', async () => {
    const turns = await turnsDuring(async () => {
      for (let i = 0; i < 1000; i++) {
        await Pacer.never.pause();
      }
    });
    expect(turns).toBe(0);
    expect(Pacer.never.yields).toBe(0);
  });
});

describe('lineRuns', () => {
  it('cuts at newlines after at least size characters, keeping continued lines with their line', () => {
    const text = 'aaaa\n bbb\ncc\n\tdd\nee\nf';
    const continues = (t: string, at: number) => t[at] === ' ' || t[at] === '\t';
    expect(lineRuns(text, 1, continues)).toEqual(['aaaa\n bbb\n', 'cc\n\tdd\n', 'ee\n', 'f']);
    expect(lineRuns(text, 1)).toEqual(['aaaa\n', ' bbb\n', 'cc\n', '\tdd\n', 'ee\n', 'f']);
    expect(lineRuns(text, 8)).toEqual(['aaaa\n bbb\n', 'cc\n\tdd\nee\n', 'f']);
    expect(lineRuns(text, 1000)).toEqual([text]);
    expect(lineRuns('', 4)).toEqual([]);
    expect(lineRuns('x\n', 1)).toEqual(['x\n']);
  });

  it('loses and adds nothing, whatever the text and the size', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\t', '\r'), maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (text, size) => {
          const continues = (t: string, at: number) => t[at] === ' ';
          const runs = lineRuns(text, size, continues);
          expect(runs.join('')).toBe(text);
          for (const [i, run] of runs.entries()) {
            expect(run.length).toBeGreaterThan(0);
            if (i < runs.length - 1) {
              expect(run.endsWith('\n')).toBe(true);
              expect(runs[i + 1].startsWith(' ')).toBe(false);
            }
          }
        },
      ),
    );
  });
});

describe('afterHeader', () => {
  it('drops the first line, and everything when there is no second', () => {
    expect(afterHeader('head\nrow 1\nrow 2')).toBe('row 1\nrow 2');
    expect(afterHeader('head\n')).toBe('');
    expect(afterHeader('head only')).toBe('');
  });
});
