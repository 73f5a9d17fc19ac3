import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { decodeResponse } from './decode-response.ts';
import { exchangeContext, fixtureJson, minimalRequest, warningCodes } from '../../../test/support/dialects/openai-chat.ts';

function completion(message: Record<string, unknown>, finishReason = 'stop', extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1700000000,
    model: 'gpt-4o',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
    ...extra,
  };
}

describe('decodeResponse', () => {
  test('Ollama: `reasoning`, empty content and a tool call (recorded)', () => {
    const response = decodeResponse(fixtureJson('ollama-tool-call-nonstream.json'), exchangeContext());
    assert.equal(response.id, 'chatcmpl-273');
    assert.equal(response.model, 'gpt-oss:20b');
    assert.equal(response.createdAt, 1776298298);
    assert.equal(response.content.length, 2);
    const [reasoning, call] = response.content;
    assert.equal(reasoning?.type, 'reasoning');
    assert.equal(reasoning?.type === 'reasoning' && reasoning.family, 'openai-compatible');
    assert.match(reasoning?.type === 'reasoning' ? reasoning.summary[0]! : '', /^The conversation: user asked/);
    assert.deepEqual(call, {
      type: 'tool-call',
      callId: 'call_o2vnpxrw',
      name: 'final_result',
      kind: 'function',
      input: '{"city":"Paris","country":"France"}',
    });
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'tool_calls' });
    assert.deepEqual(response.usage, { inputTokens: 206, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 194, reasoningTokens: 0 });
  });

  test('text with cached and reasoning tokens', () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 20,
      total_tokens: 120,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 8 },
    };
    const response = decodeResponse(completion({ content: 'Hi.', refusal: null }, 'stop', { usage }), exchangeContext());
    assert.deepEqual(response.content, [{ type: 'text', text: 'Hi.' }]);
    assert.deepEqual(response.usage, { inputTokens: 100, cachedInputTokens: 64, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 8 });
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'stop' });
  });

  test('DeepSeek cache hits and reasoning_content', () => {
    const usage = { prompt_tokens: 50, completion_tokens: 5, prompt_cache_hit_tokens: 32, prompt_cache_miss_tokens: 18 };
    const response = decodeResponse(completion({ content: 'ok', reasoning_content: 'hmm' }, 'stop', { usage }), exchangeContext());
    assert.deepEqual(response.content, [
      { type: 'reasoning', family: 'openai-compatible', summary: ['hmm'] },
      { type: 'text', text: 'ok' },
    ]);
    assert.equal(response.usage?.cachedInputTokens, 32);
  });

  test('a refusal', () => {
    const response = decodeResponse(completion({ content: null, refusal: 'No.' }), exchangeContext());
    assert.deepEqual(response.content, [{ type: 'refusal', text: 'No.' }]);
    assert.deepEqual(response.finishReason, { unified: 'refusal', raw: 'stop' });
  });

  test('names restored, freeform calls unwrapped, missing ids synthesized, `stop` with calls is tool_calls', () => {
    const request = minimalRequest({
      tools: [
        { kind: 'custom', name: 'apply_patch' },
        { kind: 'function', name: 'sleep', namespace: 'clock' },
      ],
    });
    const context = exchangeContext(request);
    const wire = context.toolNames.wireName('sleep', 'clock');
    const response = decodeResponse(
      completion(
        {
          content: '',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' } },
            { type: 'function', function: { name: wire, arguments: { ms: 5 } } },
          ],
        },
        'stop',
      ),
      context,
    );
    assert.deepEqual(response.content[0], { type: 'tool-call', callId: 'c1', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch\n*** End Patch' });
    const second = response.content[1];
    assert.equal(second?.type === 'tool-call' && second.name, 'sleep');
    assert.equal(second?.type === 'tool-call' && second.namespace, 'clock');
    assert.equal(second?.type === 'tool-call' && second.input, '{"ms":5}');
    assert.match(second?.type === 'tool-call' ? second.callId : '', /^call_/);
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'stop' });
    assert.deepEqual(warningCodes(context), []);
  });

  test('a freeform call whose arguments are not {"input"} passes the raw text on, with a warning', () => {
    const context = exchangeContext(minimalRequest({ tools: [{ kind: 'custom', name: 'apply_patch' }] }));
    const response = decodeResponse(
      completion({ tool_calls: [{ id: 'c1', type: 'function', function: { name: 'apply_patch', arguments: '*** Begin Patch' } }] }, 'tool_calls'),
      context,
    );
    assert.equal(response.content[0]?.type === 'tool-call' && response.content[0].input, '*** Begin Patch');
    assert.deepEqual(warningCodes(context), ['custom_tool_unwrapped']);
  });

  test('length and content_filter; unknown reasons kept raw', () => {
    assert.deepEqual(decodeResponse(completion({ content: 'a' }, 'length'), exchangeContext()).finishReason, { unified: 'length', raw: 'length' });
    assert.deepEqual(decodeResponse(completion({ content: '' }, 'content_filter'), exchangeContext()).finishReason, {
      unified: 'content_filter',
      raw: 'content_filter',
    });
    assert.deepEqual(decodeResponse(completion({ content: 'a' }, 'abort'), exchangeContext()).finishReason, { unified: 'other', raw: 'abort' });
  });

  test('an error envelope with HTTP 200 and a body without choices are errors', () => {
    assert.throws(
      () =>
        decodeResponse({ error: { message: "This model's maximum context length is 4096 tokens.", type: 'BadRequestError', code: 400 } }, exchangeContext()),
      (error: unknown) => error instanceof GatewayError && error.code === 'caller_context_length_exceeded',
    );
    assert.throws(
      () => decodeResponse({ id: 'x', choices: [] }, exchangeContext()),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_error',
    );
    assert.throws(
      () => decodeResponse('<html>', exchangeContext()),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_error',
    );
  });
});
