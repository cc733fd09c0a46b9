import { Backoff, RECONNECT_BACKOFF } from './backoff';

describe(Backoff.name, () => {
  const withRandom = (values: number[]): Backoff => {
    let i = 0;
    return new Backoff({ ...RECONNECT_BACKOFF, random: () => values[i++ % values.length] });
  };

  it('doubles the ceiling per failure from 1 s up to the 60 s cap, with full jitter below it', () => {
    const top = withRandom([0.999999]);
    const ceilings = Array.from({ length: 9 }, () => Math.round(top.next() / 1000));
    expect(ceilings).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    const bottom = withRandom([0]);
    expect([bottom.next(), bottom.next(), bottom.next()]).toEqual([0, 0, 0]);
    const middle = withRandom([0.5]);
    expect([middle.next(), middle.next(), middle.next()]).toEqual([500, 1000, 2000]);
  });

  it('resets only after a connection that lived 60 s, not on a dial that was closed at once', () => {
    const backoff = withRandom([0.5]);
    [1, 2, 3].forEach(() => backoff.next());
    backoff.ended(59_999);
    expect(backoff.next()).toBe(4000);
    backoff.ended(60_000);
    expect(backoff.next()).toBe(500);
  });

  it('stays within the cap however long the outage', () => {
    const backoff = withRandom([0.999999]);
    for (let i = 0; i < 2000; i++) {
      expect(backoff.next()).toBeLessThan(60_000);
    }
  });
});
