import { test } from 'node:test';
import assert from 'node:assert/strict';
import { worstCaseMicros } from './worst-case-micros.ts';

test('input at the input price plus all of max output at the output price, in micro-dollars', () => {
  assert.equal(worstCaseMicros({ inputTokensEstimate: 1000, maxOutputTokens: 4000, pricing: { input: 3, output: 15 } }), 63_000);
});

test('the dearer of output and reasoning, and of input and cache write', () => {
  assert.equal(worstCaseMicros({ inputTokensEstimate: 1000, maxOutputTokens: 4000, pricing: { input: 3, output: 15, reasoning: 20 } }), 83_000);
  assert.equal(worstCaseMicros({ inputTokensEstimate: 1000, maxOutputTokens: 0, pricing: { input: 3, output: 15, cache_write: 3.75 } }), 3_750);
});

test('rounds UP a fraction of a micro-dollar, but not float noise', () => {
  assert.equal(worstCaseMicros({ inputTokensEstimate: 3, maxOutputTokens: 0, pricing: { input: 0.1, output: 0.4 } }), 1);
  assert.equal(worstCaseMicros({ inputTokensEstimate: 1000, maxOutputTokens: 0, pricing: { input: 0.15, output: 0.6 } }), 150);
});

test('unknown pricing is 0 (the caller decides); nonsense token counts count as none', () => {
  assert.equal(worstCaseMicros({ inputTokensEstimate: 1000, maxOutputTokens: 1000, pricing: undefined }), 0);
  assert.equal(worstCaseMicros({ inputTokensEstimate: Number.NaN, maxOutputTokens: -5, pricing: { input: 3, output: 15 } }), 0);
});
