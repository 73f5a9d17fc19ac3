/** Summary statistics of a sample of durations (milliseconds). */
export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/**
 * Nearest-rank percentile (the smallest value with at least p% of the sample at or below it),
 * so p99 is always a value that was actually observed.
 */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: number[]): Distribution {
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
}
