import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costMicros, findPricing } from './pricing.ts';

test('prices cached reads, cache writes and output at their own rates, in micro-dollars', () => {
  const pricing = { input: 3, cached_input: 0.3, cache_write: 3.75, output: 15 };
  const usage = { inputTokens: 1_000_000, cachedInputTokens: 400_000, cacheWriteTokens: 100_000, outputTokens: 10_000, reasoningTokens: 2_000 };
  // 500k plain × 3 + 400k × 0.3 + 100k × 3.75 + 10k × 15 = 1.5 + 0.12 + 0.375 + 0.15 USD
  assert.equal(costMicros(usage, pricing), 2_145_000);
});

test('catalog lookup: exact, then longest prefix; config override wins', () => {
  assert.equal(findPricing('claude-sonnet-4-5-20250929')?.input, 3);
  assert.equal(findPricing('gpt-5-mini')?.input, 0.25);
  assert.equal(findPricing('gpt-5-mini', { input: 9, output: 9 })?.input, 9);
  assert.equal(findPricing('totally-unknown-model'), undefined);
  assert.equal(costMicros({ inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 }, undefined), 0);
});
