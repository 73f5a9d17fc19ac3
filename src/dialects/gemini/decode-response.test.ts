import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { decodeResponse } from './decode-response.ts';
import { exchangeContext, readJsonFixture } from '../../../test/support/dialects/gemini.ts';

describe('Gemini unary responses', () => {
  test('max-tokens-empty-content.json: MAX_TOKENS with no parts is an empty length response', () => {
    const response = decodeResponse(readJsonFixture('max-tokens-empty-content.json'), exchangeContext());
    assert.equal(response.id, 'fH8oaunbEbr9qtsPjYGX4A0');
    assert.equal(response.model, 'gemini-2.5-pro');
    assert.deepEqual(response.content, []);
    assert.deepEqual(response.finishReason, { unified: 'length', raw: 'MAX_TOKENS' });
    assert.deepEqual(response.usage, { inputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 2 });
  });

  test('candidate-blocked-safety.json: an empty candidate with SAFETY is content_filter', () => {
    const response = decodeResponse(readJsonFixture('candidate-blocked-safety.json'), exchangeContext());
    assert.deepEqual(response.content, []);
    assert.deepEqual(response.finishReason, { unified: 'content_filter', raw: 'SAFETY' });
    assert.equal(response.usage?.inputTokens, 14);
  });

  test('prompt-blocked-safety.json: a blocked prompt throws caller_content_policy naming the reason', () => {
    assert.throws(
      () => decodeResponse(readJsonFixture('prompt-blocked-safety.json'), exchangeContext()),
      (error: unknown) =>
        error instanceof GatewayError && error.code === 'caller_content_policy' && error.status === 400 && /blockReason SAFETY/.test(error.message),
    );
  });

  test('a unary call with a signature and text keeps both, in order', () => {
    const body = {
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Let me look.' }, { functionCall: { name: 'read', args: { path: 'a' } }, thoughtSignature: 'U0lH' }] },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
    };
    const response = decodeResponse(body, exchangeContext());
    assert.equal(response.content.length, 2);
    assert.deepEqual(response.content[0], { type: 'text', text: 'Let me look.' });
    const call = response.content[1];
    assert.ok(call?.type === 'tool-call');
    assert.deepEqual([call.name, call.input, call.signature], ['read', '{"path":"a"}', { family: 'gemini', value: 'U0lH' }]);
    assert.equal(response.finishReason.unified, 'tool_calls');
    assert.equal(response.model, 'gemini-3-pro-preview');
  });

  test('a body that is not an object is a provider_error', () => {
    assert.throws(
      () => decodeResponse('oops', exchangeContext()),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_error',
    );
  });
});
