import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { ModelResponse } from '../../core/ir/index.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeResponse } from './encode-response.ts';
import { clientContext, exchangeContext, minimalRequest } from '../../../test/support/dialects/openai-responses.ts';
import { assertMatchesOpenAiSchema } from '../../../test/support/openai-schema.ts';
import { decodeResponse as decodeAnthropic } from '../anthropic-messages/decode-response.ts';
import * as anthropic from '../../../test/support/dialects/anthropic-messages.ts';

describe('encodeResponse', () => {
  const citation = { type: 'url_citation', url: 'https://x.test', title: 'X', start_index: 4, end_index: 7 };
  const webSearch = { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q' } };
  const response: ModelResponse = {
    id: 'msg_anthropic',
    model: 'claude-x',
    createdAt: 1700000000123,
    content: [
      { type: 'reasoning', family: 'openai', summary: ['s'], encryptedContent: 'gAAAA1', itemId: 'rs_up' },
      { type: 'text', text: 'See [1].', annotations: [citation] },
      { type: 'refusal', text: 'Not that.' },
      { type: 'tool-call', callId: 'call_9', name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function', input: '{}' },
      { type: 'opaque', dialect: 'openai-responses', value: webSearch },
    ],
    finishReason: { unified: 'tool_calls' },
    usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 2, outputTokens: 5, reasoningTokens: 1 },
  };

  test('a Responses object for the client: requested model, resp_ id, all items, five usage fields', () => {
    const encoded = encodeResponse(response, clientContext({ requestId: 'abc-123' }));
    assertMatchesOpenAiSchema('Response', encoded);
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
        {
          id: 'msg_abc-123_0',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'See [1].', annotations: [citation], logprobs: [] }],
        },
        { id: 'msg_abc-123_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: 'Not that.' }] },
        {
          id: 'fc_abc-123_2',
          type: 'function_call',
          status: 'completed',
          call_id: 'call_9',
          name: 'spawn_agent',
          namespace: 'multi_agent_v1',
          arguments: '{}',
        },
        webSearch,
      ],
      instructions: null,
      metadata: {},
      temperature: 1,
      top_p: 1,
      tool_choice: 'auto',
      tools: [],
      parallel_tool_calls: true,
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 2 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 1 },
        total_tokens: 15,
      },
    });
  });

  test('length is incomplete with max_output_tokens; unknown usage is left out', () => {
    const encoded = encodeResponse({ ...response, content: [], finishReason: { unified: 'length' }, usage: undefined }, clientContext());
    assert.equal(encoded.status, 'incomplete');
    assert.deepEqual(encoded.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal('usage' in encoded, false);
    assertMatchesOpenAiSchema('Response', encoded);
  });

  test('echoes the request as OpenAI does: instructions, metadata, sampling, tools, tool_choice, parallel calls', () => {
    const request = minimalRequest({
      system: [{ type: 'text', text: 'Be brief.' }],
      metadata: { ticket: 'T-1' },
      temperature: 0.2,
      topP: 0.9,
      parallelToolCalls: false,
      tools: [
        { kind: 'function', name: 'shell', parameters: { type: 'object', properties: {} } },
        { kind: 'custom', name: 'apply_patch', format: { type: 'text' } },
      ],
      toolChoice: { type: 'tool', name: 'shell', kind: 'function' },
    });
    const encoded = encodeResponse(response, clientContext({ request }));
    assertMatchesOpenAiSchema('Response', encoded);
    assert.equal(encoded.instructions, 'Be brief.');
    assert.deepEqual(encoded.metadata, { ticket: 'T-1' });
    assert.equal(encoded.temperature, 0.2);
    assert.equal(encoded.top_p, 0.9);
    assert.equal(encoded.parallel_tool_calls, false);
    assert.deepEqual(encoded.tool_choice, { type: 'function', name: 'shell' });
    assert.deepEqual(encoded.tools, [
      { type: 'function', name: 'shell', parameters: { type: 'object', properties: {} }, strict: null },
      { type: 'custom', name: 'apply_patch', format: { type: 'text' } },
    ]);
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
    assert.deepEqual(
      decoded.content.map((block) => block.type),
      ['reasoning', 'text', 'refusal', 'tool-call', 'opaque'],
    );
    assert.deepEqual(decoded.usage, response.usage);
  });

  test("Anthropic's cache_creation_input_tokens reaches input_tokens_details.cache_write_tokens", () => {
    const decoded = decodeAnthropic(
      {
        id: 'msg_c',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 10, cache_creation_input_tokens: 300, cache_read_input_tokens: 50, output_tokens: 4 },
      },
      anthropic.exchangeContext(),
    );
    const encoded = encodeResponse(decoded, clientContext());
    assertMatchesOpenAiSchema('Response', encoded);
    assert.deepEqual((encoded.usage as { input_tokens_details: unknown }).input_tokens_details, { cached_tokens: 50, cache_write_tokens: 300 });
    assert.equal((encoded.usage as { input_tokens: number }).input_tokens, 360, 'input includes cache reads and writes');
  });
});
