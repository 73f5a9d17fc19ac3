import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overviewOf, quantile } from './overview-series.ts';
import { requestLogRow } from '../../test/support/observability/request-log-row.ts';

const since = Date.parse('2026-11-10T12:00:00.000Z');
const at = (minute: number) => new Date(since + minute * 60_000).toISOString();

test('buckets count requests and errors; latency quantiles skip rejections; the last failure is the newest one', () => {
  const rows = [
    requestLogRow({ requestId: 'a', startedAt: at(0.5), latencyMs: 100, ttfbMs: 40 }),
    requestLogRow({ requestId: 'b', startedAt: at(0.7), latencyMs: 300, ttfbMs: 60 }),
    requestLogRow({
      requestId: 'c',
      startedAt: at(1.2),
      provider: null,
      latencyMs: 1,
      ttfbMs: null,
      status: 401,
      outcome: 'rejected_auth',
      errorCode: 'policy_invalid_api_key',
    }),
    requestLogRow({
      requestId: 'd',
      startedAt: at(2.5),
      status: 502,
      outcome: 'upstream_error',
      errorCode: 'provider_http_error',
      errorMessage: 'HTTP 503 overloaded',
      latencyMs: 900,
    }),
    requestLogRow({ requestId: 'outside', startedAt: at(3.5) }),
  ];
  const overview = overviewOf(rows, { since, until: since + 3 * 60_000, bucketMs: 60_000 });
  assert.deepEqual(
    overview.buckets.map((bucket) => [bucket.requests, bucket.errors, bucket.p50LatencyMs, bucket.p99LatencyMs]),
    [
      [2, 0, 100, 300],
      [1, 1, null, null],
      [1, 1, 900, 900],
    ],
  );
  assert.equal(overview.totals.requests, 4);
  assert.equal(overview.totals.errorRate, 0.5);
  assert.deepEqual([overview.buckets[0]!.p50TtftMs, overview.buckets[0]!.p99TtftMs, overview.totals.p50TtftMs], [40, 60, 60]);
  assert.deepEqual(
    [overview.lastFailure?.requestId, overview.lastFailure?.outcome, overview.lastFailure?.errorMessage],
    ['d', 'upstream_error', 'HTTP 503 overloaded'],
  );
});

test('nearest-rank quantiles', () => {
  const values = Array.from({ length: 100 }, (_, index) => index + 1);
  assert.deepEqual([quantile(values, 0.5), quantile(values, 0.99), quantile([], 0.5), quantile([7], 0.99)], [50, 99, null, 7]);
});
