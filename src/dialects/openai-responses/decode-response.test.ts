import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { decodeResponse } from './decode-response.ts';
import { completedResponse, exchangeContext, minimalRequest } from '../../../test/support/dialects/openai-responses.ts';

describe('decodeResponse', () => {
  test('web search response: reasoning, opaque web_search_call, reasoning, text; cached usage', () => {
    const response = decodeResponse(completedResponse('web-search-call.sse'), exchangeContext(minimalRequest()));
    assert.equal(response.model, 'gpt-5-2025-08-07');
    assert.deepEqual(
      response.content.map((block) => block.type),
      ['reasoning', 'opaque', 'reasoning', 'text'],
    );
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
    assert.deepEqual(response.content, [
      { type: 'tool-call', callId: 'call_1', name: 'mcp.calc', kind: 'function', input: '{}', itemId: 'fc_1', status: 'completed' },
    ]);
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
    assert.throws(
      () => decodeResponse('nope', context),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_error',
    );
  });
});
