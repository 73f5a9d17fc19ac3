import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openaiResponsesCodec, readResponsesUsage } from './index.ts';
import { completedResponse, fixtureSseEvents } from '../../../test/support/dialects/openai-responses.ts';

describe('index exports', () => {
  test('the codec has both halves', () => {
    assert.equal(openaiResponsesCodec.id, 'openai-responses');
    for (const method of [
      'decodeRequest',
      'encodeResponse',
      'createStreamEncoder',
      'encodeError',
      'encodeRequest',
      'decodeResponse',
      'createStreamDecoder',
      'decodeError',
    ] as const) {
      assert.equal(typeof openaiResponsesCodec[method], 'function', method);
    }
  });

  test('readResponsesUsage reads terminal events and bare responses', () => {
    const event = fixtureSseEvents('function-call.sse').find((entry) => entry.event === 'response.completed');
    assert.deepEqual(readResponsesUsage(JSON.parse(event?.data ?? '{}')), {
      inputTokens: 255,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 16,
      reasoningTokens: 0,
    });
    assert.deepEqual(readResponsesUsage({ type: 'response.completed', response: completedResponse('web-search-call.sse') })?.cachedInputTokens, 8320);
    assert.equal(readResponsesUsage({ type: 'response.failed', response: { usage: null } }), undefined);
    assert.equal(readResponsesUsage('nope'), undefined);
    assert.deepEqual(readResponsesUsage({ usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } }), {
      inputTokens: 3,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 4,
      reasoningTokens: 0,
    });
  });
});
