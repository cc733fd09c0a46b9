import { PASSWORD } from '../app';

/** What a load request ended with: the HTTP status, or how it failed before one arrived. */
export type Outcome = number | 'timeout' | 'network';

/**
 * One JSON POST with a client deadline, as a load generator sends it: a hung request counts as 'timeout' instead
 * of stalling the test, and a refused or reset connection as 'network'. `onAnswer` sees each answer's headers.
 */
export async function post(
  url: string,
  body: unknown,
  timeoutMs: number,
  onAnswer?: (status: number, headers: Headers) => void,
): Promise<Outcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { password: PASSWORD, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    onAnswer?.(res.status, res.headers);
    await res.text();
    return res.status;
  } catch {
    return signal.aborted ? 'timeout' : 'network';
  }
}

/** Outcomes by kind, e.g. `{ 200: 2950, 503: 3 }`, printed once per test and asserted on. */
export class Tally {
  readonly counts = new Map<Outcome, number>();

  add(outcome: Outcome): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  get total(): number {
    return [...this.counts.values()].reduce((n, count) => n + count, 0);
  }

  /** Every outcome other than those listed, with its count. */
  except(...allowed: Outcome[]): Record<string, number> {
    return Object.fromEntries([...this.counts].filter(([outcome]) => !allowed.includes(outcome)));
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
