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
