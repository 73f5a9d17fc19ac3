import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeResponse } from './encode-response.ts';
import { emptyRequest, exchangeContext, readJsonFixture, warningCodes } from '../../../test/support/dialects/anthropic-messages.ts';

type Json = Record<string, any>;

describe('non-streaming responses', () => {
  const body = readJsonFixture<Json>('parallel-tool-use.response.json');

  test('parallel-tool-use.response.json: text and four calls in order, tool_calls, usage', () => {
    const response = decodeResponse(body, exchangeContext());
    assert.equal(response.id, 'msg_011S3wxtqL5CVescWqS3zeg2');
    assert.equal(response.model, 'claude-haiku-4-5-20251001');
    assert.deepEqual(response.content[0], { type: 'text', text: body.content[0].text });
    assert.deepEqual(
      response.content.slice(1),
      body.content
        .slice(1)
        .map((block: Json) => ({ type: 'tool-call', callId: block.id, name: block.name, kind: 'function', input: JSON.stringify(block.input) })),
    );
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'tool_use' });
    assert.deepEqual(response.usage, { inputTokens: 423, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 202, reasoningTokens: 0 });
  });

  test('encoded back for an Anthropic client it is the recorded message, under the requested model', () => {
    const response = decodeResponse(body, exchangeContext());
    const encoded = encodeResponse(response, { requestedModel: 'haiku', request: emptyRequest(), warnings: new Warnings(), requestId: 'req_1' }) as Json;
    assert.deepEqual(encoded.content, body.content);
    assert.deepEqual([encoded.id, encoded.model, encoded.stop_reason, encoded.stop_sequence], [body.id, 'haiku', 'tool_use', null]);
    assert.deepEqual(encoded.usage, { input_tokens: 423, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 202 });
  });

  test('a flattened freeform call is restored; a final call cut by max_tokens is withheld', () => {
    const context = exchangeContext(emptyRequest({ tools: [{ kind: 'custom', name: 'apply_patch', namespace: 'fs' }] }));
    const complete = decodeResponse(
      {
        id: 'msg_1',
        model: 'm',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'fs__apply_patch', input: { input: 'PATCH' } }],
        stop_reason: 'tool_use',
        usage: { input_tokens: 5, output_tokens: 2 },
      },
      context,
    );
    assert.deepEqual(complete.content, [{ type: 'tool-call', callId: 'toolu_1', name: 'apply_patch', namespace: 'fs', kind: 'custom', input: 'PATCH' }]);
    const cut = decodeResponse(
      {
        id: 'msg_2',
        model: 'm',
        content: [
          { type: 'text', text: 'Writing' },
          { type: 'tool_use', id: 'toolu_2', name: 'x', input: {} },
        ],
        stop_reason: 'max_tokens',
        usage: {},
      },
      context,
    );
    assert.deepEqual(cut.content, [{ type: 'text', text: 'Writing' }]);
    assert.deepEqual(cut.finishReason, { unified: 'length', raw: 'max_tokens' });
    assert.ok(warningCodes(context).includes('tool_call_truncated'));
  });

  test('thinking and redacted thinking keep their secrets; unknown blocks stay opaque', () => {
    const response = decodeResponse(
      {
        id: 'msg_3',
        model: 'm',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'SIG' },
          { type: 'redacted_thinking', data: 'DATA' },
          { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        ],
        stop_reason: 'end_turn',
        usage: { input_tokens: 1, cache_read_input_tokens: 7, output_tokens: 1 },
      },
      exchangeContext(),
    );
    assert.deepEqual(response.content, [
      { type: 'reasoning', family: 'anthropic', summary: ['hmm'], signature: 'SIG' },
      { type: 'reasoning', family: 'anthropic', summary: [], redactedData: 'DATA' },
      { type: 'opaque', dialect: 'anthropic-messages', value: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } },
    ]);
    assert.equal(response.usage?.inputTokens, 8);
  });

  test('a body without content is a provider error', () => {
    assert.throws(
      () => decodeResponse({ type: 'error' }, exchangeContext()),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_error',
    );
  });
});
