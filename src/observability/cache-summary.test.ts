import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestLogRow } from '../../test/support/observability/request-log-row.ts';
import { cacheSummaryOf } from './cache-summary.ts';

test('cache summary: hits, misses and savings per key and model; the cached-token share counts only requests a provider served', () => {
  const rows = [
    requestLogRow({ keyName: 'alice', servedModel: 'claude', cache: 'miss', inputTokens: 1000, cachedInputTokens: 0, promptCacheSavedMicros: 0 }),
    requestLogRow({ keyName: 'alice', servedModel: 'claude', cache: 'bypass', inputTokens: 1000, cachedInputTokens: 900, promptCacheSavedMicros: 2_700 }),
    // A response-cache hit: its tokens are the stored answer's, not a provider's prompt-cache read.
    requestLogRow({ keyName: 'alice', servedModel: 'claude', cache: 'hit', inputTokens: 1000, cachedInputTokens: 0, costSavedMicros: 15_000 }),
    requestLogRow({ keyName: 'bob', servedModel: 'gpt', cache: 'bypass', inputTokens: 500, cachedInputTokens: 0 }),
    // Refused before routing: counted as a request, no tokens.
    requestLogRow({ keyName: 'bob', servedModel: null, model: 'gpt', provider: null, outcome: 'rejected_auth', inputTokens: 0, cachedInputTokens: 0 }),
  ];
  const { totals, byKey, byModel } = cacheSummaryOf(rows);
  assert.equal(totals.requests, 5);
  assert.equal(totals.hits, 1);
  assert.equal(totals.misses, 1);
  assert.equal(totals.inputTokens, 2500);
  assert.equal(totals.cachedInputTokens, 900);
  assert.equal(totals.cachedShare, 900 / 2500);
  assert.ok(Math.abs(totals.savedUsd - 0.015) < 1e-12);
  assert.ok(Math.abs(totals.promptCacheSavedUsd - 0.0027) < 1e-12);
  assert.deepEqual(
    byKey.map((summary) => [summary.group, summary.requests, summary.hits, summary.cachedShare]),
    [
      ['alice', 3, 1, 0.45],
      ['bob', 2, 0, 0],
    ],
  );
  assert.deepEqual(
    byModel.map((summary) => summary.group),
    ['claude', 'gpt'],
  );
});

test('cache summary of no rows is all zeros', () => {
  const { totals, byKey } = cacheSummaryOf([]);
  assert.equal(totals.requests, 0);
  assert.equal(totals.cachedShare, 0);
  assert.deepEqual(byKey, []);
});
