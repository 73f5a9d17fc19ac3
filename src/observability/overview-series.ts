import type { RequestLogRow } from '../store/ports.ts';
import { microsToUsd } from './pricing.ts';
import { redactNullable } from './redact.ts';

/** One time bucket of the dashboard overview. */
export interface OverviewBucket {
  /** Bucket start, epoch ms. */
  t: number;
  requests: number;
  errors: number;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  p50TtftMs: number | null;
  p99TtftMs: number | null;
  costUsd: number;
}

export interface Overview {
  buckets: OverviewBucket[];
  bucketMs: number;
  totals: Omit<OverviewBucket, 't'> & { errorRate: number; requestsPerMinute: number };
  /** The newest request that did not succeed: what happened and why. */
  lastFailure: LastFailure | null;
}

export interface LastFailure {
  requestId: string;
  startedAt: string;
  keyName: string | null;
  model: string | null;
  provider: string | null;
  status: number;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
}

/**
 * Requests per bucket, error share, p50/p99 latency and time to first token, and the last
 * failure, over log rows of `[since, until)`. Latency counts only requests that reached a
 * provider (a rejection's microseconds would hide the model's time).
 */
export function overviewOf(rows: readonly RequestLogRow[], range: { since: number; until: number; bucketMs: number }): Overview {
  const count = Math.max(1, Math.ceil((range.until - range.since) / range.bucketMs));
  const groups = Array.from({ length: count }, () => [] as RequestLogRow[]);
  for (const row of rows) {
    const at = Date.parse(row.startedAt);
    if (!(at >= range.since && at < range.until)) continue;
    groups[Math.min(count - 1, Math.floor((at - range.since) / range.bucketMs))]!.push(row);
  }
  const buckets = groups.map((group, index) => ({ t: range.since + index * range.bucketMs, ...summary(group) }));
  const all = groups.flat();
  const totals = summary(all);
  const minutes = Math.max(1, (range.until - range.since) / 60_000);
  const failed = all.filter((row) => row.outcome !== 'ok').sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
  return {
    buckets,
    bucketMs: range.bucketMs,
    totals: { ...totals, errorRate: totals.requests > 0 ? totals.errors / totals.requests : 0, requestsPerMinute: totals.requests / minutes },
    lastFailure: failed ? failureOf(failed) : null,
  };
}

function summary(rows: readonly RequestLogRow[]): Omit<OverviewBucket, 't'> {
  const served = rows.filter((row) => row.provider !== null);
  const latencies = served.map((row) => row.latencyMs).sort((a, b) => a - b);
  const ttfts = served.flatMap((row) => (row.ttfbMs === null ? [] : [row.ttfbMs])).sort((a, b) => a - b);
  return {
    requests: rows.length,
    errors: rows.filter((row) => row.outcome !== 'ok').length,
    p50LatencyMs: quantile(latencies, 0.5),
    p99LatencyMs: quantile(latencies, 0.99),
    p50TtftMs: quantile(ttfts, 0.5),
    p99TtftMs: quantile(ttfts, 0.99),
    costUsd: microsToUsd(rows.reduce((sum, row) => sum + row.costMicros, 0)),
  };
}

/** Nearest-rank quantile of sorted values; null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function failureOf(row: RequestLogRow): LastFailure {
  return {
    requestId: row.requestId,
    startedAt: row.startedAt,
    keyName: row.keyName,
    model: row.model,
    provider: row.provider,
    status: row.status,
    outcome: row.outcome,
    errorCode: row.errorCode,
    errorMessage: redactNullable(row.errorMessage),
  };
}
