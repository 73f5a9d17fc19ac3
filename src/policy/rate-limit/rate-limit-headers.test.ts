import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, rateLimitHeaders } from './rate-limit-headers.ts';

test("reset durations read like OpenAI's", () => {
  assert.deepEqual([0, 250, 1000, 12_001, 60_000, 65_000].map(formatDuration), ['0s', '250ms', '1s', '13s', '1m0s', '1m5s']);
});

test('the tightest window is the one with the fewest units left; ties go to the smaller limit', () => {
  const headers = rateLimitHeaders(
    [
      { limit: 60, used: 10, resetMs: 30_000 },
      { limit: 10, used: 5, resetMs: 5000 },
      { limit: 5, used: 0, resetMs: 0 },
    ],
    [],
  );
  assert.deepEqual(headers, { 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-reset-requests': '0s' });
});
