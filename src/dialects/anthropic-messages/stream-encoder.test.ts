import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type StreamEvent } from '../../core/ir/index.ts';
import { Warnings } from '../../core/warnings.ts';
import type { ClientContext } from '../../core/dialect.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';
import { unsealReasoning } from '../shared/carried-reasoning.ts';
import { emptyRequest, exchangeContext, sseEventsOf, sseTextOf } from '../../../test/support/dialects/anthropic-messages.ts';

const client: ClientContext = { requestedModel: 'claude-sonnet', request: emptyRequest(), warnings: new Warnings(), requestId: 'req-1' };

function decodeText(text: string): StreamEvent[] {
  const decoder = createStreamDecoder(exchangeContext());
  return [...sseEventsOf(text).flatMap((event) => decoder.push(event)), ...decoder.finish()];
}

function decodeFixture(name: string): StreamEvent[] {
  return decodeText(sseTextOf(name));
}

function encode(events: StreamEvent[]): string {
  const encoder = createStreamEncoder(client);
  return [...events.flatMap((event) => encoder.push(event)), ...encoder.finish()].join('');
}

/** Checks the wire: event names equal payload types, one block open at a time, dense indexes. */
function wirePayloads(text: string): Array<Record<string, any>> {
  const payloads = sseEventsOf(text).map((event) => {
    const payload = JSON.parse(event.data) as Record<string, any>;
    assert.equal(event.event, payload.type, 'the event: line names the payload type');
    return payload;
  });
  let open: number | undefined;
  let next = 0;
  for (const payload of payloads) {
    if (payload.type === 'content_block_start') {
      assert.equal(open, undefined, 'one block open at a time');
      assert.equal(payload.index, next++);
      open = payload.index;
    } else if (payload.type === 'content_block_delta') {
      assert.equal(payload.index, open);
    } else if (payload.type === 'content_block_stop') {
      assert.equal(payload.index, open);
      open = undefined;
    }
  }
  return payloads;
}

describe('Anthropic stream encoder', () => {
  for (const name of [
    'text.sse',
    'thinking-signature.sse',
    'thinking-signature-context-management.jsonl',
    'redacted-thinking.sse',
    'tool-use-empty-input.jsonl',
    'tool-use-input-json-delta.sse',
    'max-tokens-truncated-tool-use.sse',
  ]) {
    test(`${name}: re-encoded stream decodes back to the same response`, () => {
      const events = decodeFixture(name);
      const text = encode(events);
      const payloads = wirePayloads(text);
      assert.equal(payloads[0]?.type, 'message_start');
      assert.equal(payloads[0]?.message.model, 'claude-sonnet');
      assert.deepEqual(
        payloads.slice(-2).map((payload) => payload.type),
        ['message_delta', 'message_stop'],
      );
      const original = foldStream(events);
      const again = foldStream(decodeText(text));
      // Everything survives but the model name: clients see the model they asked for.
      assert.deepEqual({ ...again, createdAt: 0, model: original.model }, { ...original, createdAt: 0 });
      assert.equal(again.model, 'claude-sonnet');
    });
  }

  test('a thinking block gets its signature_delta just before its stop', () => {
    const payloads = wirePayloads(encode(decodeFixture('thinking-signature.sse')));
    const stop = payloads.findIndex((payload) => payload.type === 'content_block_stop');
    assert.equal(payloads[stop - 1]?.delta.type, 'signature_delta');
    assert.deepEqual(payloads[1], { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
  });

  test('message_start carries the input usage when known; message_delta the final usage', () => {
    const payloads = wirePayloads(encode(decodeFixture('redacted-thinking.sse')));
    assert.deepEqual(payloads[0]?.message.usage, { input_tokens: 92, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 88 });
    assert.deepEqual(payloads.at(-2), {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 92, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 189 },
    });
    assert.equal(payloads[0]?.message.id, 'msg_018XZkwvj9asBiffg3fXt88s');
  });

  test('OpenAI reasoning becomes a thinking block whose signature seals encrypted_content; Gemini thoughts are omitted; freeform calls are wrapped', () => {
    const events: StreamEvent[] = [
      { type: 'response-start', id: 'resp_1', model: 'gpt-5', createdAt: 1 },
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'openai' } },
      { type: 'reasoning-delta', index: 0, delta: 'secret plan', part: 0 },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'openai', itemId: 'rs_1', summary: ['secret plan'], encryptedContent: 'gAAA' } },
      { type: 'block-start', index: 1, block: { kind: 'reasoning', family: 'gemini' } },
      { type: 'reasoning-delta', index: 1, delta: 'a thought', part: 0 },
      { type: 'block-end', index: 1, block: { type: 'reasoning', family: 'gemini', summary: ['a thought'] } },
      { type: 'block-start', index: 2, block: { kind: 'text' } },
      { type: 'block-end', index: 2, block: { type: 'text', text: 'Patching.' } },
      { type: 'block-start', index: 3, block: { kind: 'tool-call', callId: 'call_1', name: 'apply_patch', toolKind: 'custom' } },
      { type: 'tool-call-delta', index: 3, delta: '*** Begin' },
      { type: 'block-end', index: 3, block: { type: 'tool-call', callId: 'call_1', name: 'apply_patch', kind: 'custom', input: '*** Begin' } },
      {
        type: 'response-end',
        finishReason: { unified: 'tool_calls' },
        usage: { inputTokens: 10, cachedInputTokens: 4, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 2 },
      },
    ];
    const payloads = wirePayloads(encode(events));
    assert.equal(payloads[0]?.message.id, 'msg_resp_1');
    const signature = payloads[3]?.delta.signature as string;
    assert.match(signature, /^sy1\./);
    assert.deepEqual(payloads.slice(1, -2), [
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'secret plan' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Patching.' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_1', name: 'apply_patch', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"input":"*** Begin"}' } },
      { type: 'content_block_stop', index: 2 },
    ]);
    assert.deepEqual(unsealReasoning(signature), [{ type: 'reasoning', family: 'openai', itemId: 'rs_1', summary: ['secret plan'], encryptedContent: 'gAAA' }]);
    assert.deepEqual(payloads.at(-2)?.usage, { input_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 5 });
    assert.equal(payloads.at(-2)?.delta.stop_reason, 'tool_use');
  });

  test('OpenAI reasoning without encrypted_content has nothing to carry and is omitted', () => {
    const events: StreamEvent[] = [
      { type: 'response-start', id: 'resp_1', model: 'gpt-5', createdAt: 1 },
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'openai' } },
      { type: 'reasoning-delta', index: 0, delta: 'plan', part: 0 },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'openai', summary: ['plan'] } },
      { type: 'block-start', index: 1, block: { kind: 'text' } },
      { type: 'block-end', index: 1, block: { type: 'text', text: 'Hi.' } },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ];
    const payloads = wirePayloads(encode(events));
    assert.deepEqual(payloads[1], { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  });

  test('an error after content is a terminal event: error with no message_stop', () => {
    const events: StreamEvent[] = [
      { type: 'response-start', id: 'msg_1', model: 'x', createdAt: 1 },
      { type: 'block-start', index: 0, block: { kind: 'text' } },
      { type: 'text-delta', index: 0, delta: 'part' },
      { type: 'error', error: { code: 'provider_overloaded', message: 'Overloaded' } },
    ];
    const text = encode(events);
    const payloads = sseEventsOf(text).map((event) => JSON.parse(event.data));
    assert.deepEqual(payloads.at(-1), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    assert.ok(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'));
    assert.ok(!payloads.some((payload) => payload.type === 'message_stop'));
  });

  test('a stream that stops without an end becomes an api_error event', () => {
    const text = encode([{ type: 'response-start', id: 'msg_1', model: 'x', createdAt: 1 }]);
    assert.ok(text.endsWith('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The response ended unexpectedly."}}\n\n'));
  });

  test('error-overloaded-midstream.sse passes through as the same error event', () => {
    assert.equal(encode(decodeFixture('error-overloaded-midstream.sse')), sseTextOf('error-overloaded-midstream.sse').replace(/\n+$/, '\n\n'));
  });
});
