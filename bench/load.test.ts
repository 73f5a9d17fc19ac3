import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { percentile, summarize } from './distribution.ts';
import { runLoad } from './load.ts';
import { MOCK_API_KEY, startMockUpstream, type MockUpstream } from './mock-upstream.ts';

const streamBody = readFileSync(new URL('./fixtures/codex-request.json', import.meta.url));

describe('percentile', () => {
  test('is nearest-rank: always an observed value', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(percentile(sorted, 0.5), 5);
    assert.equal(percentile(sorted, 0.99), 10);
    assert.equal(percentile(sorted, 0.01), 1);
    assert.ok(Number.isNaN(percentile(new Float64Array(0), 0.5)));
  });

  test('summarize sorts its input and reports mean and max', () => {
    const summary = summarize([9, 1, 5, 3, 7]);
    assert.deepEqual(summary, { count: 5, p50: 5, p99: 9, mean: 5, max: 9 });
  });
});

describe('runLoad', () => {
  let mock: MockUpstream;
  before(async () => {
    mock = await startMockUpstream();
  });
  after(async () => {
    await mock.close();
  });

  const options = (key: string) => ({
    url: `${mock.url}/v1/responses`,
    body: streamBody,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    concurrency: 4,
    durationMs: 10_000,
    expectBodyIncludes: 'response.completed',
  });

  test('stops at the request limit and measures every successful response', async () => {
    const before = mock.stats.requests;
    let measured = 0;
    const result = await runLoad({
      ...options(MOCK_API_KEY),
      maxRequests: 40,
      beforeMeasure: () => {
        measured = mock.stats.requests;
      },
    });
    assert.equal(measured, before, 'no warm-up was asked for');
    assert.equal(result.requests, 40);
    assert.equal(result.errors, 0);
    assert.equal(mock.stats.requests - before, 40);
    assert.equal(result.latencyMs.count, 40);
    assert.equal(result.firstChunkMs.count, 40);
    assert.ok(result.firstChunkMs.p50 <= result.latencyMs.p50);
    assert.ok(result.requestsPerSecond > 0);
    assert.equal(result.bytesReceived % 40, 0, 'every response has the same size');
  });

  test('counts failed responses as errors with the status and body, and gives up on a dead target', async () => {
    const result = await runLoad({ ...options('sk-not-the-upstream-key'), maxRequests: 500 });
    assert.equal(result.requests, 0);
    assert.ok(result.errors >= 100 && result.errors < 500, `errors ${result.errors}`);
    assert.equal(result.gaveUp, true);
    assert.match(result.errorSamples[0] ?? '', /^HTTP 401: .*invalid_api_key/);
  });

  test('treats a 200 without the completion marker as an error', async () => {
    const result = await runLoad({ ...options(MOCK_API_KEY), expectBodyIncludes: 'never-in-the-body', maxRequests: 3 });
    assert.equal(result.requests, 0);
    assert.equal(result.errors, 3);
    assert.match(result.errorSamples[0] ?? '', /^incomplete body/);
  });
});
