import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type ContentBlock, type StreamEvent } from '../../core/ir/index.ts';
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { emptyRequest, exchangeContext, payloadsOf, sseEventsOf, sseTextOf, warningCodes } from '../../../test/support/dialects/anthropic-messages.ts';

function decode(events: SseEvent[], context = exchangeContext()): StreamEvent[] {
  const decoder = createStreamDecoder(context);
  return [...events.flatMap((event) => decoder.push(event)), ...decoder.finish()];
}

function decodeFixture(name: string, context = exchangeContext(), chunkSize?: number): StreamEvent[] {
  return decode(sseEventsOf(sseTextOf(name), chunkSize), context);
}

/** Concatenates one delta kind of one upstream block, read straight from the fixture. */
function deltasOf(name: string, index: number, field: 'text' | 'thinking' | 'partial_json' | 'signature'): string {
  return payloadsOf(name)
    .filter((payload) => payload.type === 'content_block_delta' && payload.index === index && field in payload.delta)
    .map((payload) => payload.delta[field] as string)
    .join('');
}

/** Checks the IR sequence invariants: start first, dense indexes, one open block at a time. */
function assertWellFormed(events: StreamEvent[]): void {
  assert.equal(events[0]?.type, 'response-start');
  let open: number | undefined;
  let next = 0;
  for (const event of events) {
    if (event.type === 'block-start') {
      assert.equal(open, undefined, 'a block opened while another was open');
      assert.equal(event.index, next++);
      open = event.index;
    } else if (event.type === 'block-end') {
      assert.equal(event.index, open);
      open = undefined;
    } else if (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'tool-call-delta') {
      assert.equal(event.index, open);
    }
  }
}

describe('Anthropic stream decoder on recorded streams', () => {
  test('text.sse folds into the streamed text, the stop reason and the last usage', () => {
    const events = decodeFixture('text.sse');
    assertWellFormed(events);
    const response = foldStream(events);
    assert.equal(response.id, 'msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK');
    assert.equal(response.model, 'claude-opus-4-8');
    assert.deepEqual(response.content, [{ type: 'text', text: 'Hello there!' }]);
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'end_turn' });
    assert.deepEqual(response.usage, { inputTokens: 11, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 6, reasoningTokens: 0 });
  });

  test('thinking-signature.sse keeps the thinking text and the signature byte-exact', () => {
    const name = 'thinking-signature.sse';
    const events = decodeFixture(name);
    assertWellFormed(events);
    const response = foldStream(events);
    const signature = deltasOf(name, 0, 'signature');
    assert.ok(signature.startsWith('EvMCCkYICxgCKkCHP2cSuEdc') && signature.endsWith('fQYAQ=='));
    assert.deepEqual(response.content[0], { type: 'reasoning', family: 'anthropic', summary: [deltasOf(name, 0, 'thinking')], signature });
    assert.deepEqual(response.content[1], { type: 'text', text: deltasOf(name, 1, 'text') });
    assert.equal(response.content.length, 2);
    assert.deepEqual(response.usage, { inputTokens: 43, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 282, reasoningTokens: 0 });
    const reasoningStart = events.find((event) => event.type === 'block-start' && event.index === 0);
    assert.deepEqual(reasoningStart, { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'anthropic' } });
    // The empty thinking_delta before the signature produces no event.
    assert.ok(events.every((event) => event.type !== 'reasoning-delta' || event.delta !== ''));
  });

  test('thinking-signature-context-management.jsonl: thinking, signature, text and usage', () => {
    const name = 'thinking-signature-context-management.jsonl';
    const events = decodeFixture(name);
    assertWellFormed(events);
    const response = foldStream(events);
    assert.deepEqual(response.content, [
      {
        type: 'reasoning',
        family: 'anthropic',
        summary: ['The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185'],
        signature: deltasOf(name, 0, 'signature'),
      },
      { type: 'text', text: '925 ÷ 5 = 185' },
    ]);
    assert.equal((response.content[0] as { signature: string }).signature.length, 332);
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'end_turn' });
    assert.equal(response.usage?.inputTokens, 69);
    assert.equal(response.usage?.outputTokens, 53);
  });

  test('redacted-thinking.sse keeps both redacted blocks verbatim, in order, before the text', () => {
    const name = 'redacted-thinking.sse';
    const events = decodeFixture(name);
    assertWellFormed(events);
    const response = foldStream(events);
    const starts = payloadsOf(name).filter((payload) => payload.type === 'content_block_start');
    assert.deepEqual(response.content.slice(0, 2), [
      { type: 'reasoning', family: 'anthropic', summary: [], redactedData: starts[0]?.content_block.data },
      { type: 'reasoning', family: 'anthropic', summary: [], redactedData: starts[1]?.content_block.data },
    ]);
    assert.ok(String(starts[0]?.content_block.data).startsWith('EqkECkYIBxgCKkA8AZ4n'));
    assert.deepEqual(response.content[2], { type: 'text', text: deltasOf(name, 2, 'text') });
    assert.deepEqual(response.usage, { inputTokens: 92, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 189, reasoningTokens: 0 });
  });

  test('tool-use-empty-input.jsonl: a call whose only delta is "" has input {}', () => {
    const events = decodeFixture('tool-use-empty-input.jsonl');
    assertWellFormed(events);
    const response = foldStream(events);
    assert.deepEqual(response.content, [
      { type: 'text', text: "I'll update the issue list for you." },
      { type: 'tool-call', callId: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', kind: 'function', input: '{}' },
    ]);
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'tool_use' });
    assert.equal(response.usage?.inputTokens, 565);
    assert.equal(response.usage?.outputTokens, 48);
    assert.ok(
      events.every((event) => event.type !== 'tool-call-delta'),
      'an empty partial_json is not a delta',
    );
  });

  test('tool-use-input-json-delta.sse: argument fragments stream and assemble exactly', () => {
    const name = 'tool-use-input-json-delta.sse';
    const events = decodeFixture(name);
    assertWellFormed(events);
    const response = foldStream(events);
    const call = response.content[1];
    assert.deepEqual(call, {
      type: 'tool-call',
      callId: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
      name: 'get_weather',
      kind: 'function',
      input: '{"location": "Paris"}',
    });
    const streamed = events.filter((event) => event.type === 'tool-call-delta').map((event) => (event as { delta: string }).delta);
    assert.deepEqual(streamed, ['{"locati', 'on": "P', 'ar', 'is"}']);
    assert.equal(streamed.join(''), deltasOf(name, 1, 'partial_json'));
    assert.deepEqual(
      events.find((event) => event.type === 'block-start' && event.index === 1),
      {
        type: 'block-start',
        index: 1,
        block: { kind: 'tool-call', callId: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', toolKind: 'function' },
      },
    );
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'tool_use' });
    assert.equal(response.usage?.outputTokens, 65);
  });

  test('max-tokens-truncated-tool-use.sse: the cut-off call is never completed and the response ends with length', () => {
    const context = exchangeContext();
    const events = decodeFixture('max-tokens-truncated-tool-use.sse', context);
    const response = foldStream(events);
    assert.equal(response.content.length, 1);
    assert.equal(response.content[0]?.type, 'text');
    assert.ok(events.some((event) => event.type === 'block-start' && event.block.kind === 'tool-call'));
    assert.ok(!events.some((event) => event.type === 'block-end' && event.block.type === 'tool-call'));
    assert.deepEqual(response.finishReason, { unified: 'length', raw: 'max_tokens' });
    assert.deepEqual(response.usage, { inputTokens: 450, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 124, reasoningTokens: 0 });
    assert.ok(warningCodes(context).includes('tool_call_truncated'));
  });

  test('error-overloaded-midstream.sse becomes a provider_overloaded error event', () => {
    const events = decodeFixture('error-overloaded-midstream.sse');
    assert.deepEqual(events, [{ type: 'error', error: { code: 'provider_overloaded', message: 'Overloaded', providerType: 'overloaded_error' } }]);
    assert.throws(
      () => foldStream(events),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_overloaded',
    );
  });

  test('every recorded stream decodes the same when its bytes arrive in 7-byte chunks', () => {
    for (const name of [
      'text.sse',
      'thinking-signature.sse',
      'redacted-thinking.sse',
      'tool-use-input-json-delta.sse',
      'thinking-signature-context-management.jsonl',
      'tool-use-empty-input.jsonl',
    ]) {
      const whole = foldStream(decodeFixture(name));
      const chunked = foldStream(decodeFixture(name, exchangeContext(), 7));
      assert.deepEqual({ ...chunked, createdAt: 0 }, { ...whole, createdAt: 0 }, name);
    }
  });
});

describe('Anthropic stream decoder rules', () => {
  const frame = (payload: Record<string, unknown>): SseEvent => ({ event: String(payload.type), data: JSON.stringify(payload) });
  const start = frame({
    type: 'message_start',
    message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 50, output_tokens: 1 } },
  });
  const toolStream = (name: string, json: string[]): SseEvent[] => [
    start,
    frame({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_9', name, input: {} } }),
    ...json.map((partial) => frame({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: partial } })),
    frame({ type: 'content_block_stop', index: 0 }),
    frame({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 30 } }),
    frame({ type: 'message_stop' }),
  ];

  test('a stream that ends without message_stop is a provider_error', () => {
    const events = sseEventsOf(sseTextOf('text.sse')).slice(0, -1);
    const decoded = decode(events);
    assert.deepEqual(decoded.at(-1), { type: 'error', error: { code: 'provider_error', message: 'The Anthropic stream ended before message_stop.' } });
    assert.ok(!decoded.some((event) => event.type === 'response-end'));
  });

  test('cache reads and writes count as input; message_delta updates only the fields it sends', () => {
    const response = foldStream(decode(toolStream('get_weather', ['{}'])));
    assert.deepEqual(response.usage, { inputTokens: 160, cachedInputTokens: 100, cacheWriteTokens: 50, outputTokens: 30, reasoningTokens: 0 });
  });

  test('a flattened namespace tool name comes back as name + namespace', () => {
    const tools = [{ kind: 'function' as const, name: 'wait_agent', namespace: 'multi_agent_v1' }];
    const context = exchangeContext(emptyRequest({ tools }));
    const response = foldStream(decode(toolStream('multi_agent_v1__wait_agent', ['{"targets":', '[]}']), context));
    assert.deepEqual(response.content, [
      { type: 'tool-call', callId: 'toolu_9', name: 'wait_agent', namespace: 'multi_agent_v1', kind: 'function', input: '{"targets":[]}' },
    ]);
  });

  test('a freeform tool call is unwrapped from {input} and streamed as one raw delta', () => {
    const tools = [{ kind: 'custom' as const, name: 'apply_patch' }];
    const context = exchangeContext(emptyRequest({ tools }));
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
    const json = JSON.stringify({ input: patch });
    const events = decode(toolStream('apply_patch', [json.slice(0, 12), json.slice(12)]), context);
    assert.deepEqual(
      events.filter((event) => event.type === 'tool-call-delta'),
      [{ type: 'tool-call-delta', index: 0, delta: patch }],
    );
    const block = foldStream(events).content[0] as ContentBlock;
    assert.deepEqual(block, { type: 'tool-call', callId: 'toolu_9', name: 'apply_patch', kind: 'custom', input: patch });
  });

  test('server tool blocks stay opaque for Anthropic, with their input assembled', () => {
    const events = decode([
      start,
      frame({ type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } }),
      frame({ type: 'content_block_stop', index: 0 }),
      frame({ type: 'content_block_start', index: 1, content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } }),
      frame({ type: 'content_block_stop', index: 1 }),
      frame({ type: 'message_delta', delta: { stop_reason: 'pause_turn', stop_sequence: null } }),
      frame({ type: 'message_stop' }),
    ]);
    const response = foldStream(events);
    assert.deepEqual(response.content, [
      { type: 'opaque', dialect: 'anthropic-messages', value: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'x' } } },
      { type: 'opaque', dialect: 'anthropic-messages', value: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] } },
    ]);
    assert.deepEqual(response.finishReason, { unified: 'pause', raw: 'pause_turn' });
  });

  test('refusal and context-window stops map to refusal and length', () => {
    for (const [raw, unified] of [
      ['refusal', 'refusal'],
      ['model_context_window_exceeded', 'length'],
      ['stop_sequence', 'stop'],
    ] as const) {
      const response = foldStream(
        decode([start, frame({ type: 'message_delta', delta: { stop_reason: raw, stop_sequence: null } }), frame({ type: 'message_stop' })]),
      );
      assert.deepEqual(response.finishReason, { unified, raw });
    }
  });

  test('mid-stream error types map to gateway codes and nothing follows the error', () => {
    const cases = [
      ['rate_limit_error', 'Rate limited', 'provider_rate_limited'],
      ['api_error', 'Internal server error', 'provider_error'],
      ['invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum', 'caller_context_length_exceeded'],
    ] as const;
    for (const [type, message, code] of cases) {
      const events = decode([start, frame({ type: 'error', error: { type, message } }), frame({ type: 'message_stop' })]);
      assert.deepEqual(events.at(-1), { type: 'error', error: { code, message, providerType: type } });
      assert.equal(events.filter((event) => event.type === 'error').length, 1);
    }
  });
});
