import fc from 'fast-check';

// How many cases each property runs. FUZZ_RUNS is the total over both fuzz specs (CI: 5,000 through `npm test`;
// `npm run fuzz`: 100,000); each property takes its share of it. The shares favour the routes with the most
// input to parse, and sum to 1.
const SHARES = {
  pulse: 0.1,
  cancel: 0.03,
  heartbeatPaths: 0.06,
  addEvent: 0.1,
  listEvents: 0.1,
  plainRoutes: 0.04,
  enroll: 0.04,
  agentPaths: 0.05,
  hosts: 0.05,
  ingest: 0.08,
  bullBoard: 0.03,
  rawHttp: 0.02,
  wsFirstMessage: 0.04,
  wsMessages: 0.22,
  wsCommands: 0.04,
} as const;

export type Share = keyof typeof SHARES;

const DEFAULT_RUNS = 5000;
// Fixed, so a failure in CI reproduces locally with the seed and path fast-check prints; FUZZ_SEED explores further.
const DEFAULT_SEED = 10_2026;

export function totalRuns(): number {
  const runs = Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`FUZZ_RUNS must be a positive integer, got ${process.env.FUZZ_RUNS}`);
  }
  return runs;
}

export function runsOf(share: Share): number {
  return Math.max(1, Math.round(totalRuns() * SHARES[share]));
}

/**
 * fast-check settings for one property: no shrinking after the first failure (a shrunk 1 MiB body teaches
 * nothing and takes minutes), the seed printed with it.
 */
export function fuzzParameters<T>(share: Share): fc.Parameters<T> {
  return { numRuns: runsOf(share), seed: Number(process.env.FUZZ_SEED ?? DEFAULT_SEED), endOnFailure: true };
}

/** Jest's limit for one property: its cases at a generous 100 ms each, never under a minute. */
export function timeoutOf(...shares: Share[]): number {
  return Math.max(
    60_000,
    shares.reduce((sum, share) => sum + runsOf(share) * 100, 0),
  );
}
