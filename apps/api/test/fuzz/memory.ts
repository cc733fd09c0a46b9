import { Memory } from './fuzz-server';

const MIB = 1024 * 1024;

/**
 * What a whole run (5,000 or 100,000 cases) may add to the server. The live heap, after a full collection, is
 * the leak detector: caches and pools settle within a few MiB. RSS also keeps the heap V8 grew under load and
 * has not given back, so its bound is looser (measured over 100,000 cases: well under half of it).
 */
export const LIVE_HEAP_GROWTH_LIMIT = 32 * MIB;
export const RSS_GROWTH_LIMIT = 256 * MIB;

export function describeMemory(before: Memory, after: Memory): string {
  const mib = (bytes: number): string => (bytes / MIB).toFixed(0);
  return `live heap ${mib(before.liveHeap)} -> ${mib(after.liveHeap)} MiB, RSS ${mib(before.rss)} -> ${mib(after.rss)} MiB`;
}

export function expectBounded(before: Memory, after: Memory): void {
  expect(after.liveHeap - before.liveHeap).toBeLessThan(LIVE_HEAP_GROWTH_LIMIT);
  expect(after.rss - before.rss).toBeLessThan(RSS_GROWTH_LIMIT);
}
