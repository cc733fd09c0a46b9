/**
 * An error that answers the watchTower surface with a real status, the same `result` and a `hint`
 * (watchtower-protocol.md §3.7). Thrown by pipes and services; the envelope filter renders it.
 */
export class HintedError extends Error {
  constructor(
    readonly status: number,
    readonly hint: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(hint);
  }
}

/** User text embedded in a hint: at most 100 characters, line breaks replaced by `////` (§3.7). */
export function quoteForHint(value: string): string {
  return value.slice(0, 100).replace(/\r\n|\r|\n/g, '////');
}

/** A durable store did not answer in time: the request gets 503 with Retry-After (§3.7). */
export class StoreUnavailableError extends HintedError {
  constructor(what: string) {
    super(503, 'unavailable, retry later', { 'retry-after': '5' });
    this.message = `${what} did not answer in time`;
  }
}

/** Rejects with StoreUnavailableError when `promise` takes longer than `ms`, so no request hangs on a store. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(what)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
