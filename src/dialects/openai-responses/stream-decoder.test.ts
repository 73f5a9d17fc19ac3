import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { foldStream, type ContentBlock, type StreamEvent, type Usage } from '../../core/ir/index.ts';
import { SseDecoder, type SseEvent } from '../../core/sse-decoder.ts';
import { ResponsesStreamDecoder } from './stream-decoder.ts';
import { exchangeContext, fixtureSseEvents, fixtureText, minimalRequest, run } from '../../../test/support/dialects/openai-responses.ts';

function decode(events: readonly SseEvent[]): StreamEvent[] {
  return run(new ResponsesStreamDecoder(exchangeContext(minimalRequest())), events);
}

function usage(inputTokens: number, cachedInputTokens: number, outputTokens: number, reasoningTokens: number): Usage {
  return { inputTokens, cachedInputTokens, cacheWriteTokens: 0, outputTokens, reasoningTokens };
}

/** The IR grammar: start, then (block-start, deltas, block-end)* with dense indexes, then one terminal. */
function assertWellFormed(events: readonly StreamEvent[]): void {
  assert.equal(events[0]?.type, 'response-start');
  const terminals = events.filter((event) => event.type === 'response-end' || event.type === 'error');
  assert.equal(terminals.length, 1);
  assert.equal(events.at(-1), terminals[0]);
  let open: number | undefined;
  let next = 0;
  for (const event of events) {
    if (event.type === 'block-start') {
      assert.equal(open, undefined, 'one block open at a time');
      assert.equal(event.index, next++);
      open = event.index;
    } else if (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'tool-call-delta') {
      assert.equal(event.index, open);
    } else if (event.type === 'block-end') {
      assert.equal(event.index, open);
      open = undefined;
    }
  }
}

describe('ResponsesStreamDecoder on recorded streams', () => {
  test('function-call.sse (no sequence numbers): one function call, usage', () => {
    const events = decode(fixtureSseEvents('function-call.sse'));
    assertWellFormed(events);
    assert.equal(events.filter((event) => event.type === 'tool-call-delta').length, 5);
    const response = foldStream(events);
    assert.equal(response.id, 'resp_67e554a155508191900ee113293c4c830794405d35281ae2');
    assert.deepEqual(response.content, [
      {
        type: 'tool-call',
        callId: 'call_kL0PCQV7M2WMoVX8V8OtYSAL',
        name: 'get_capital',
        kind: 'function',
        input: '{"country":"France"}',
        itemId: 'fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2',
        status: 'completed',
      },
    ]);
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'completed' });
    assert.deepEqual(response.usage, usage(255, 0, 16, 0));
  });

  test('reasoning-encrypted-then-function-call.sse: encrypted reasoning then a call', () => {
    const events = decode(fixtureSseEvents('reasoning-encrypted-then-function-call.sse'));
    assertWellFormed(events);
    const response = foldStream(events);
    const [reasoning, call] = response.content as [ContentBlock, ContentBlock];
    assert.equal(reasoning.type, 'reasoning');
    assert.equal(reasoning.type === 'reasoning' ? reasoning.family : '', 'openai');
    assert.match(reasoning.type === 'reasoning' ? (reasoning.encryptedContent ?? '') : '', /^gAAAA/);
    assert.equal(call.type === 'tool-call' ? call.input : '', '{"result":6666}');
    assert.deepEqual(response.usage, usage(53, 0, 469, 448));
  });

  test('text-after-function-output.sse: text deltas and cached usage', () => {
    const events = decode(fixtureSseEvents('text-after-function-output.sse'));
    assertWellFormed(events);
    const response = foldStream(events);
    assert.deepEqual(response.content, [{ type: 'text', text: 'The capital of France is Paris.' }]);
    const deltas = events.filter((event) => event.type === 'text-delta').map((event) => (event.type === 'text-delta' ? event.delta : ''));
    assert.equal(deltas.join(''), 'The capital of France is Paris.');
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'completed' });
    assert.deepEqual(response.usage, usage(278, 0, 9, 0));
  });

  test('text.docs-example.sse: the elided "..." line is ignored; usage without details', () => {
    // The docs example lacks the blank line that dispatches its last event (the SSE spec drops
    // an unterminated event), so a server closing properly is emulated by adding it.
    const decoder = new SseDecoder();
    const response = foldStream(decode([...decoder.push(`${fixtureText('text.docs-example.sse')}\n`), ...decoder.finish()]));
    assert.deepEqual(response.content, [{ type: 'text', text: 'Hi there! How can I assist you today?' }]);
    assert.deepEqual(response.usage, usage(37, 0, 11, 0));
  });

  test('web-search-call.sse: web_search_call becomes an opaque block between reasoning items', () => {
    const events = decode(fixtureSseEvents('web-search-call.sse'));
    assertWellFormed(events);
    const response = foldStream(events);
    assert.deepEqual(
      response.content.map((block) => block.type),
      ['reasoning', 'opaque', 'reasoning', 'text'],
    );
    const search = response.content[1];
    assert.deepEqual(search?.type === 'opaque' ? search.value : undefined, {
      id: 'ws_00a60507bf41223d0068c9d30021d081a0962d80d50c12e317',
      type: 'web_search_call',
      status: 'completed',
      action: { type: 'search', query: 'weather: San Francisco, CA', sources: [{ type: 'api', name: 'oai-weather' }] },
    });
    const text = response.content[3];
    assert.match(text?.type === 'text' ? text.text : '', /^San Francisco weather today/);
    assert.deepEqual(response.usage, usage(9463, 8320, 582, 512));
  });

  test('custom-tool-call-freeform.jsonl (trimmed, obfuscation): custom input deltas', () => {
    const events = decode(fixtureSseEvents('custom-tool-call-freeform.jsonl'));
    assertWellFormed(events);
    const start = events.find((event) => event.type === 'block-start');
    assert.deepEqual(start?.type === 'block-start' ? start.block : undefined, {
      kind: 'tool-call',
      callId: 'call_g8yRNFvYwhYY5Eb3rGIAxf8l',
      name: 'setHtml',
      toolKind: 'custom',
      itemId: 'ctc_0bbd8ccbe12a7c9b006a61f8e3d35c8192a57844f5fbd26f2d',
    });
    const input = '<main><h1>Streaming custom tool input</h1><p>This must arrive progressively.</p></main>';
    const deltas = events.map((event) => (event.type === 'tool-call-delta' ? event.delta : '')).join('');
    assert.equal(deltas, input);
    const response = foldStream(events);
    assert.equal(response.content[0]?.type === 'tool-call' ? response.content[0].input : '', input);
    assert.equal(response.content[0]?.type === 'tool-call' ? response.content[0].kind : '', 'custom');
    assert.deepEqual(response.usage, usage(93, 0, 51, 0));
  });

  test('reasoning-summary-encrypted-multiturn.jsonl: each of the four responses folds', () => {
    const all = fixtureSseEvents('reasoning-summary-encrypted-multiturn.jsonl');
    const responses: SseEvent[][] = [];
    for (const event of all) {
      if (event.event === 'response.created') responses.push([]);
      responses.at(-1)?.push(event);
    }
    assert.equal(responses.length, 4);
    const first = decode(responses[0] ?? []);
    assertWellFormed(first);
    const summaryDeltas = first.filter((event) => event.type === 'reasoning-delta');
    assert.equal(summaryDeltas.length, 32);
    assert.ok(summaryDeltas.every((event) => event.type === 'reasoning-delta' && event.part === 0));
    const folded = foldStream(first);
    const reasoning = folded.content[0];
    assert.equal(reasoning?.type, 'reasoning');
    assert.match(reasoning?.type === 'reasoning' ? (reasoning.summary[0] ?? '') : '', /^\*\*Calculating step-by-step/);
    assert.equal(folded.content[1]?.type === 'tool-call' ? folded.content[1].input : '', '{"a":12,"b":7,"op":"add"}');
    assert.deepEqual(folded.usage, usage(134, 0, 28, 0));
    const last = foldStream(decode(responses[3] ?? []));
    assert.deepEqual(last.content, [{ type: 'text', text: 'The final result is **570**.' }]);
    assert.deepEqual(last.finishReason, { unified: 'stop', raw: 'completed' });
  });

  test('error-event-then-failed.jsonl: the nested error event ends the stream once', () => {
    const events = decode(fixtureSseEvents('error-event-then-failed.jsonl'));
    assertWellFormed(events);
    const errors = events.filter((event) => event.type === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.type === 'error' ? errors[0].error.code : '', 'provider_quota_exceeded');
    assert.equal(errors[0]?.type === 'error' ? errors[0].error.providerCode : '', 'insufficient_quota');
    assert.throws(
      () => foldStream(events),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_quota_exceeded' && /exceeded your current quota/.test(error.message),
    );
  });

  test('failed-rate-limit-only.jsonl: response.failed alone is a rate-limit error', () => {
    const events = decode(fixtureSseEvents('failed-rate-limit-only.jsonl'));
    assertWellFormed(events);
    assert.throws(
      () => foldStream(events),
      (error: unknown) => error instanceof GatewayError && error.code === 'provider_rate_limited',
    );
  });
});

describe('ResponsesStreamDecoder robustness', () => {
  test('keepalive events anywhere change nothing', () => {
    const plain = fixtureSseEvents('text-after-function-output.sse');
    const withKeepalives = plain.flatMap((event, index) => [
      event,
      { event: 'keepalive', data: JSON.stringify({ type: 'keepalive', sequence_number: 1000 + index }) },
    ]);
    assert.deepEqual(decode(withKeepalives), decode(plain));
  });

  test('events without an `event:` line are read by their data type', () => {
    const events = fixtureSseEvents('function-call.sse').map((event) => ({ data: event.data }));
    assert.equal(foldStream(decode(events)).content[0]?.type, 'tool-call');
  });

  test('a flat error event (the documented shape) also maps by code', () => {
    const events = decode([
      { data: JSON.stringify({ type: 'response.created', response: { id: 'resp_1', model: 'm', created_at: 1 } }) },
      { data: JSON.stringify({ type: 'error', code: 'context_length_exceeded', message: 'Too long', param: null, sequence_number: 1 }) },
    ]);
    const error = events.at(-1);
    assert.equal(error?.type === 'error' ? error.error.code : '', 'caller_context_length_exceeded');
    assert.equal(error?.type === 'error' ? error.error.providerType : 'x', undefined);
  });

  test('a stream that stops before a terminal event ends with an error', () => {
    const events = fixtureSseEvents('text-after-function-output.sse');
    const cut = decode(events.slice(0, 6));
    assert.equal(cut.at(-1)?.type, 'error');
    assert.equal(cut.filter((event) => event.type === 'block-end').length, 0);
  });

  test('incomplete (max_output_tokens) closes the cut text and reports length', () => {
    const events = decode([
      { data: JSON.stringify({ type: 'response.created', response: { id: 'resp_1', model: 'm', created_at: 1 } }) },
      { data: JSON.stringify({ type: 'response.output_item.added', output_index: 0, item: { id: 'msg_1', type: 'message', role: 'assistant', content: [] } }) },
      { data: JSON.stringify({ type: 'response.content_part.added', output_index: 0, content_index: 0, part: { type: 'output_text', text: '' } }) },
      { data: JSON.stringify({ type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Half a sent' }) },
      {
        data: JSON.stringify({
          type: 'response.incomplete',
          response: {
            id: 'resp_1',
            status: 'incomplete',
            incomplete_details: { reason: 'max_output_tokens' },
            usage: { input_tokens: 5, output_tokens: 4, total_tokens: 9 },
          },
        }),
      },
    ]);
    assertWellFormed(events);
    const response = foldStream(events);
    assert.deepEqual(response.content, [{ type: 'text', text: 'Half a sent' }]);
    assert.deepEqual(response.finishReason, { unified: 'length', raw: 'max_output_tokens' });
  });

  test('a tool call cut by the end of the response is not delivered as complete', () => {
    const context = exchangeContext(minimalRequest());
    const events = run(new ResponsesStreamDecoder(context), [
      { data: JSON.stringify({ type: 'response.created', response: { id: 'resp_1' } }) },
      {
        data: JSON.stringify({
          type: 'response.output_item.added',
          output_index: 0,
          item: { id: 'fc_1', type: 'function_call', call_id: 'c', name: 'f', arguments: '' },
        }),
      },
      { data: JSON.stringify({ type: 'response.function_call_arguments.delta', output_index: 0, delta: '{"a":' }) },
      {
        data: JSON.stringify({
          type: 'response.incomplete',
          response: { id: 'resp_1', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
        }),
      },
    ]);
    assert.equal(events.filter((event) => event.type === 'block-end').length, 0);
    assert.deepEqual(foldStream(events).content, []);
    assert.deepEqual(
      context.warnings.list.map((warning) => warning.code),
      ['tool_call_truncated'],
    );
  });

  test('nothing is emitted after the terminal event', () => {
    const events = fixtureSseEvents('function-call.sse');
    const decoder = new ResponsesStreamDecoder(exchangeContext(minimalRequest()));
    for (const event of events) decoder.push(event);
    assert.deepEqual(decoder.push(events[2] as SseEvent), []);
    assert.deepEqual(decoder.finish(), []);
  });
});
