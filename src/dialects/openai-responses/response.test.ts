import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { GatewayError } from '../../core/errors.ts';
import type { ModelResponse } from '../../core/ir/index.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeResponse } from './encode-response.ts';
import { openaiResponsesCodec, readResponsesUsage } from './index.ts';
import { decodeStopReason, encodeStopReason } from './map-stop-reason.ts';
import { clientContext, exchangeContext, fixtureSseEvents, minimalRequest } from './test-helpers.ts';

/** The full response object a recorded stream ends with: what a non-stream call returns. */
function completedResponse(name: string): Record<string, unknown> {
  const event = fixtureSseEvents(name).find((entry) => entry.event === 'response.completed');
  assert.ok(event);
  return (JSON.parse(event.data) as { response: Record<string, unknown> }).response;
}

describe('decodeResponse', () => {
  test('web search response: reasoning, opaque web_search_call, reasoning, text; cached usage', () => {
    const response = decodeResponse(completedResponse('web-search-call.sse'), exchangeContext(minimalRequest()));
    assert.equal(response.model, 'gpt-5-2025-08-07');
    assert.deepEqual(response.content.map((block) => block.type), ['reasoning', 'opaque', 'reasoning', 'text']);
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'completed' });
    assert.deepEqual(response.usage, { inputTokens: 9463, cachedInputTokens: 8320, cacheWriteTokens: 0, outputTokens: 582, reasoningTokens: 512 });
  });

  test('a call means tool_calls; names map back through the shared tool-name map', () => {
    const request = minimalRequest({ tools: [{ kind: 'function', name: 'mcp.calc' }] });
    const context = exchangeContext(request);
    const wire = context.toolNames.wireName('mcp.calc', undefined, 'function');
    const body = {
      id: 'resp_1',
      status: 'completed',
      model: 'gpt-5',
      created_at: 5,
      output: [{ id: 'fc_1', type: 'function_call', call_id: 'call_1', name: wire, arguments: '{}', status: 'completed' }],
    };
    const response = decodeResponse(body, context);
    assert.deepEqual(response.content, [{ type: 'tool-call', callId: 'call_1', name: 'mcp.calc', kind: 'function', input: '{}', itemId: 'fc_1', status: 'completed' }]);
    assert.equal(response.finishReason.unified, 'tool_calls');
    assert.equal(response.usage, undefined);
  });

  test('incomplete and failed', () => {
    const context = exchangeContext(minimalRequest());
    const incomplete = decodeResponse({ id: 'r', status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [] }, context);
    assert.deepEqual(incomplete.finishReason, { unified: 'content_filter', raw: 'content_filter' });
    assert.throws(
      () => decodeResponse({ id: 'r', status: 'failed', error: { code: 'server_is_overloaded', message: 'Busy' }, output: [] }, context),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_overloaded' && error.message === 'Busy',
    );
    assert.throws(() => decodeResponse('nope', context), (error: unknown) => error instanceof GatewayError && error.code === 'provider_error');
  });
});

describe('encodeResponse', () => {
  const response: ModelResponse = {
    id: 'msg_anthropic',
    model: 'claude-x',
    createdAt: 1700000000123,
    content: [
      { type: 'reasoning', family: 'openai', summary: ['s'], encryptedContent: 'gAAAA1', itemId: 'rs_up' },
      { type: 'text', text: 'See [1].', annotations: [{ type: 'url_citation', url: 'https://x.test' }] },
      { type: 'refusal', text: 'Not that.' },
      { type: 'tool-call', callId: 'call_9', name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function', input: '{}' },
      { type: 'opaque', dialect: 'openai-responses', value: { id: 'ws_1', type: 'web_search_call', status: 'completed' } },
    ],
    finishReason: { unified: 'tool_calls' },
    usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 2, outputTokens: 5, reasoningTokens: 1 },
  };

  test('a Responses object for the client: requested model, resp_ id, all items, five usage fields', () => {
    const encoded = encodeResponse(response, clientContext({ requestId: 'abc-123' }));
    assert.deepEqual(encoded, {
      id: 'resp_abc-123',
      object: 'response',
      created_at: 1700000000,
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'codex-alias',
      output: [
        { id: 'rs_up', type: 'reasoning', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'gAAAA1' },
        { id: 'msg_abc-123_0', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'See [1].', annotations: [{ type: 'url_citation', url: 'https://x.test' }] }] },
        { id: 'msg_abc-123_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: 'Not that.' }] },
        { id: 'fc_abc-123_2', type: 'function_call', status: 'completed', call_id: 'call_9', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}' },
        { id: 'ws_1', type: 'web_search_call', status: 'completed' },
      ],
      usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 15 },
    });
  });

  test('length is incomplete with max_output_tokens; unknown usage is left out', () => {
    const encoded = encodeResponse({ ...response, content: [], finishReason: { unified: 'length' }, usage: undefined }, clientContext());
    assert.equal(encoded.status, 'incomplete');
    assert.deepEqual(encoded.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal('usage' in encoded, false);
  });

  test('the official SDK reads it as a Response (non-stream)', async () => {
    const body = encodeResponse(response, clientContext());
    const client = new OpenAI({
      apiKey: 'x',
      baseURL: 'http://127.0.0.1:9/v1',
      maxRetries: 0,
      fetch: async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }),
    });
    const parsed = await client.responses.create({ model: 'codex-alias', input: 'hi' });
    assert.equal(parsed.output_text, 'See [1].');
    assert.equal(parsed.usage?.total_tokens, 15);
  });

  test('decodeResponse of encodeResponse keeps content and usage', () => {
    const encoded = encodeResponse(response, clientContext());
    const decoded = decodeResponse(encoded, exchangeContext(minimalRequest()));
    assert.deepEqual(decoded.content.map((block) => block.type), ['reasoning', 'text', 'refusal', 'tool-call', 'opaque']);
    assert.deepEqual(decoded.usage, { ...response.usage, cacheWriteTokens: 0 });
  });
});

describe('map-stop-reason', () => {
  test('decode', () => {
    assert.deepEqual(decodeStopReason({ status: 'completed' }), { unified: 'stop', raw: 'completed' });
    assert.deepEqual(decodeStopReason({ status: 'completed', hasToolCalls: true, hasRefusal: true }), { unified: 'tool_calls', raw: 'completed' });
    assert.deepEqual(decodeStopReason({ status: 'completed', hasRefusal: true }), { unified: 'refusal', raw: 'completed' });
    assert.deepEqual(decodeStopReason({ status: 'incomplete', incompleteReason: 'max_output_tokens' }), { unified: 'length', raw: 'max_output_tokens' });
    assert.deepEqual(decodeStopReason({ status: 'incomplete', incompleteReason: 'max_tokens' }), { unified: 'length', raw: 'max_tokens' });
    assert.deepEqual(decodeStopReason({ status: 'incomplete', incompleteReason: 'content_filter' }), { unified: 'content_filter', raw: 'content_filter' });
    assert.deepEqual(decodeStopReason({ status: 'failed' }), { unified: 'error', raw: 'failed' });
  });

  test('encode', () => {
    assert.deepEqual(encodeStopReason({ unified: 'stop' }), { status: 'completed', incompleteDetails: null });
    assert.deepEqual(encodeStopReason({ unified: 'tool_calls' }), { status: 'completed', incompleteDetails: null });
    assert.deepEqual(encodeStopReason({ unified: 'pause' }), { status: 'completed', incompleteDetails: null });
    assert.deepEqual(encodeStopReason({ unified: 'length' }), { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } });
    assert.deepEqual(encodeStopReason({ unified: 'content_filter' }), { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } });
    assert.deepEqual(encodeStopReason({ unified: 'error' }), { status: 'failed', incompleteDetails: null });
  });
});

describe('index exports', () => {
  test('the codec has both halves', () => {
    assert.equal(openaiResponsesCodec.id, 'openai-responses');
    for (const method of ['decodeRequest', 'encodeResponse', 'createStreamEncoder', 'encodeError', 'encodeRequest', 'decodeResponse', 'createStreamDecoder', 'decodeError'] as const) {
      assert.equal(typeof openaiResponsesCodec[method], 'function', method);
    }
  });

  test('readResponsesUsage reads terminal events and bare responses', () => {
    const event = fixtureSseEvents('function-call.sse').find((entry) => entry.event === 'response.completed');
    assert.deepEqual(readResponsesUsage(JSON.parse(event?.data ?? '{}')), { inputTokens: 255, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 16, reasoningTokens: 0 });
    assert.deepEqual(readResponsesUsage({ type: 'response.completed', response: completedResponse('web-search-call.sse') })?.cachedInputTokens, 8320);
    assert.equal(readResponsesUsage({ type: 'response.failed', response: { usage: null } }), undefined);
    assert.equal(readResponsesUsage('nope'), undefined);
    assert.deepEqual(readResponsesUsage({ usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } }), { inputTokens: 3, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 4, reasoningTokens: 0 });
  });
});
