// Statistics of a scenario's runs and of per-request latencies.

export const round = (x, digits = 0) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** Nearest-rank percentile (the value a request actually saw, never an interpolation between two). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = isSorted(values) ? values : [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

function isSorted(values) {
  for (let i = 1; i < values.length; i++) if (values[i - 1] > values[i]) return false;
  return true;
}

export function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The figure a scenario reports for one measure: the median of its runs, with min, max and the spread
 * ((max - min) / median), since on a shared machine one run alone says little.
 */
export function overRuns(values) {
  const finite = values.filter(Number.isFinite);
  const med = median(finite);
  const min = finite.length ? Math.min(...finite) : NaN;
  const max = finite.length ? Math.max(...finite) : NaN;
  return {
    median: med,
    min,
    max,
    spreadPct: finite.length > 1 && med !== 0 ? round(((max - min) / Math.abs(med)) * 100, 1) : 0,
    runs: values,
  };
}

/** p50/p95/p99/max of latencies in ms. */
export function latencySummary(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), 2),
    p95: round(percentile(sorted, 95), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted[sorted.length - 1], 2),
  };
}
