import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { foldStream, type ContentBlock, type StreamEvent } from '../../core/ir/index.ts';
import { ResponsesStreamDecoder } from './stream-decoder.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';
import { decodeReasoningEnvelope } from './reasoning-envelope.ts';
import { clientContext, exchangeContext, fixtureSseEvents, minimalRequest, parseSse, run } from '../../../test/support/dialects/openai-responses.ts';
import { assertValidResponsesEvents } from '../../../test/support/openai-schema.ts';

const usage = { inputTokens: 100, cachedInputTokens: 40, cacheWriteTokens: 0, outputTokens: 30, reasoningTokens: 12 };
const start: StreamEvent = { type: 'response-start', id: 'msg_upstream', model: 'claude-x', createdAt: 1700000000 };

/** Encodes and checks every event against OpenAI's published schema. */
function encode(events: readonly StreamEvent[]): string[] {
  const frames = run(new ResponsesStreamEncoder(clientContext()), events);
  assertValidResponsesEvents(parseSse(frames).map((event) => event.data));
  return frames;
}

function types(frames: readonly string[]): string[] {
  return parseSse(frames).map((event) => event.data.type as string);
}

/** Invariants every encoded stream must keep, whatever it carries (§13.1, §13.2). */
function assertProtocol(frames: readonly string[]): void {
  for (const frame of frames) assert.match(frame, /^event: [a-z_.]+\ndata: \{.*\}\n\n$/s);
  const events = parseSse(frames);
  assertValidResponsesEvents(events.map((event) => event.data));
  events.forEach((event, index) => {
    assert.equal(event.event, event.data.type);
    assert.equal(event.data.sequence_number, index);
  });
  assert.equal(events[0]?.data.type, 'response.created');
  assert.equal(events[1]?.data.type, 'response.in_progress');
  const terminals = events.filter((event) => ['response.completed', 'response.incomplete', 'response.failed'].includes(event.data.type as string));
  assert.equal(terminals.length, 1);
  assert.equal(events.at(-1), terminals[0]);
  const itemIds = new Map<number, string>();
  const done = new Set<number>();
  for (const { data } of events) {
    const outputIndex = data.output_index as number | undefined;
    if (data.type === 'response.output_item.added') {
      assert.equal(outputIndex, itemIds.size, 'items are added in output order');
      itemIds.set(outputIndex as number, (data.item as { id: string }).id);
    } else if (data.type === 'response.output_item.done') {
      assert.equal(done.has(outputIndex as number), false, 'one done per item');
      done.add(outputIndex as number);
      assert.equal((data.item as { id: string }).id, itemIds.get(outputIndex as number));
    } else if (outputIndex !== undefined) {
      assert.ok(itemIds.has(outputIndex), `${String(data.type)} after its item was added`);
      assert.equal(done.has(outputIndex), false, `${String(data.type)} before its item is done`);
      assert.equal(data.item_id, itemIds.get(outputIndex));
    }
  }
  const terminal = terminals[0]?.data.response as Record<string, unknown>;
  assert.equal(terminal.model, 'codex-alias');
  assert.equal(terminal.id, (events[0]?.data.response as { id: string }).id);
  const finalUsage = terminal.usage as Record<string, unknown> | undefined | null;
  if (finalUsage) {
    for (const key of ['input_tokens', 'output_tokens', 'total_tokens']) assert.ok(Number.isInteger(finalUsage[key]), key);
    assert.ok(Number.isInteger((finalUsage.input_tokens_details as Record<string, unknown>).cached_tokens));
    assert.ok(Number.isInteger((finalUsage.output_tokens_details as Record<string, unknown>).reasoning_tokens));
  }
}

function textEvents(index: number, text: string): StreamEvent[] {
  return [
    { type: 'block-start', index, block: { kind: 'text' } },
    { type: 'text-delta', index, delta: text.slice(0, 3) },
    { type: 'text-delta', index, delta: text.slice(3) },
    { type: 'block-end', index, block: { type: 'text', text } },
  ];
}

function callEvents(index: number, block: Extract<ContentBlock, { type: 'tool-call' }>): StreamEvent[] {
  return [
    {
      type: 'block-start',
      index,
      block: { kind: 'tool-call', callId: block.callId, name: block.name, toolKind: block.kind, ...(block.namespace ? { namespace: block.namespace } : {}) },
    },
    { type: 'tool-call-delta', index, delta: block.input.slice(0, 4) },
    { type: 'tool-call-delta', index, delta: block.input.slice(4) },
    { type: 'block-end', index, block },
  ];
}

/** Consumes SSE frames with the official SDK's stream helper, offline. */
async function sdkFinalResponse(frames: readonly string[]) {
  const client = new OpenAI({
    apiKey: 'x',
    baseURL: 'http://127.0.0.1:9/v1',
    maxRetries: 0,
    fetch: async () => new Response(frames.join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
  const stream = client.responses.stream({ model: 'codex-alias', input: 'hi' });
  const seen: string[] = [];
  stream.on('event', (event) => seen.push(event.type));
  const response = await stream.finalResponse();
  return { response, seen };
}

describe('ResponsesStreamEncoder: the sequences of §13.2', () => {
  test('(a) text answer', () => {
    const frames = encode([start, ...textEvents(0, 'Hello world'), { type: 'usage', usage }, { type: 'response-end', finishReason: { unified: 'stop' } }]);
    assertProtocol(frames);
    assert.deepEqual(types(frames), [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = parseSse(frames).at(-1)?.data.response as Record<string, unknown>;
    assert.equal(completed.status, 'completed');
    assert.match(completed.id as string, /^resp_/);
    assert.deepEqual(completed.output, [
      {
        id: 'msg_req1_0',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello world', annotations: [], logprobs: [] }],
      },
    ]);
    assert.deepEqual(completed.usage, {
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 40, cache_write_tokens: 0 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 130,
    });
  });

  test('a text delta is the same bytes as every other event: members in order, JSON escapes', () => {
    const frames = encode([start, ...textEvents(0, 'say "hi"\n\u2028'), { type: 'response-end', finishReason: { unified: 'stop' } }]);
    const deltas = frames
      .join('')
      .split('\n\n')
      .filter((frame) => frame.startsWith('event: response.output_text.delta\n'));
    assert.ok(deltas.length > 0);
    for (const frame of deltas) {
      const data = frame.slice(frame.indexOf('data: ') + 'data: '.length);
      const event = JSON.parse(data) as Record<string, unknown>;
      const { type, sequence_number, item_id, output_index, content_index, delta, logprobs, ...rest } = event;
      assert.deepEqual(rest, {});
      assert.equal(data, JSON.stringify({ type, sequence_number, item_id, output_index, content_index, delta, logprobs }));
    }
  });

  test('(b) a namespaced function call and (c) a second, custom call', () => {
    const first = {
      type: 'tool-call' as const,
      callId: 'call_1',
      name: 'wait_agent',
      namespace: 'multi_agent_v1',
      kind: 'function' as const,
      input: '{"targets":[]}',
    };
    const second = { type: 'tool-call' as const, callId: 'call_2', name: 'apply_patch', kind: 'custom' as const, input: '*** Begin Patch\n*** End Patch' };
    const frames = encode([start, ...callEvents(0, first), ...callEvents(1, second), { type: 'response-end', finishReason: { unified: 'tool_calls' }, usage }]);
    assertProtocol(frames);
    assert.deepEqual(types(frames).slice(2), [
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const events = parseSse(frames);
    assert.deepEqual(events[2]?.data.item, {
      id: 'fc_req1_0',
      type: 'function_call',
      status: 'in_progress',
      call_id: 'call_1',
      name: 'wait_agent',
      namespace: 'multi_agent_v1',
      arguments: '',
    });
    assert.deepEqual(events[5]?.data.arguments, '{"targets":[]}');
    const output = (events.at(-1)?.data.response as { output: unknown[] }).output;
    assert.deepEqual(output, [
      {
        id: 'fc_req1_0',
        type: 'function_call',
        status: 'completed',
        call_id: 'call_1',
        name: 'wait_agent',
        namespace: 'multi_agent_v1',
        arguments: '{"targets":[]}',
      },
      { id: 'ctc_req1_1', type: 'custom_tool_call', status: 'completed', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
    ]);
  });

  test('(d) reasoning with two summary parts, then text', () => {
    const frames = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'openai', itemId: 'rs_up' } },
      { type: 'reasoning-delta', index: 0, part: 0, delta: '**Plan**' },
      { type: 'reasoning-delta', index: 0, part: 1, delta: 'Then ' },
      { type: 'reasoning-delta', index: 0, part: 1, delta: 'act' },
      {
        type: 'block-end',
        index: 0,
        block: { type: 'reasoning', family: 'openai', itemId: 'rs_up', summary: ['**Plan**', 'Then act'], encryptedContent: 'gAAAAsecret' },
      },
      ...textEvents(1, 'Done.'),
      { type: 'response-end', finishReason: { unified: 'stop' }, usage },
    ]);
    assertProtocol(frames);
    assert.deepEqual(types(frames).slice(2, 13), [
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ]);
    const events = parseSse(frames);
    assert.deepEqual(events[5]?.data, {
      type: 'response.reasoning_summary_text.done',
      sequence_number: 5,
      item_id: 'rs_up',
      output_index: 0,
      summary_index: 0,
      text: '**Plan**',
    });
    assert.deepEqual(events[12]?.data.item, {
      id: 'rs_up',
      type: 'reasoning',
      summary: [
        { type: 'summary_text', text: '**Plan**' },
        { type: 'summary_text', text: 'Then act' },
      ],
      encrypted_content: 'gAAAAsecret',
    });
  });

  test('(d) a reasoning item without summary is just added and done', () => {
    const frames = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'openai' } },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'openai', summary: [], encryptedContent: 'gAAAAx' } },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ]);
    assertProtocol(frames);
    assert.deepEqual(types(frames), [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    const completed = parseSse(frames).at(-1)?.data.response as Record<string, unknown>;
    assert.equal('usage' in completed, false, 'unknown usage is omitted, never partial');
  });

  test('(e) an error mid-stream: nested error, then response.failed, no done for the half item', () => {
    const encoder = new ResponsesStreamEncoder(clientContext());
    const frames = run(encoder, [
      start,
      { type: 'block-start', index: 0, block: { kind: 'text' } },
      { type: 'text-delta', index: 0, delta: 'partial text' },
      { type: 'error', error: { code: 'provider_overloaded', message: 'Overloaded' } },
    ]);
    assertProtocol(frames);
    assert.deepEqual(types(frames).slice(2), [
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'error',
      'response.failed',
    ]);
    const events = parseSse(frames);
    assert.deepEqual(events[5]?.data, {
      type: 'error',
      sequence_number: 5,
      code: 'server_is_overloaded',
      message: 'Overloaded',
      param: null,
      error: { message: 'Overloaded', type: 'server_error', code: 'server_is_overloaded', param: null },
    });
    const failed = events[6]?.data.response as Record<string, unknown>;
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.error, { code: 'server_is_overloaded', message: 'Overloaded' });
    assert.deepEqual(failed.output, []);
    assert.deepEqual(encoder.push({ type: 'response-end', finishReason: { unified: 'stop' } }), []);
    assert.deepEqual(encoder.finish(), []);
  });

  test('a rate limit after the start says when to retry, in the words Codex parses', () => {
    const frames = encode([start, { type: 'error', error: { code: 'provider_rate_limited', message: 'Slow down.', retryAfterSeconds: 7 } }]);
    const failed = parseSse(frames).at(-1)?.data.response as { error: { code: string; message: string } };
    assert.deepEqual(failed.error, { code: 'rate_limit_exceeded', message: 'Slow down. Please try again in 7s.' });
  });

  test('finish length is response.incomplete with max_output_tokens', () => {
    const frames = encode([start, ...textEvents(0, 'Cut short'), { type: 'response-end', finishReason: { unified: 'length', raw: 'max_tokens' }, usage }]);
    assertProtocol(frames);
    const last = parseSse(frames).at(-1)?.data;
    assert.equal(last?.type, 'response.incomplete');
    const response = last?.response as Record<string, unknown>;
    assert.equal(response.status, 'incomplete');
    assert.deepEqual(response.incomplete_details, { reason: 'max_output_tokens' });
  });

  test('opaque items go out verbatim; foreign opaque blocks are dropped with a warning', () => {
    const webSearch = { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q' } };
    const context = clientContext();
    const frames = run(new ResponsesStreamEncoder(context), [
      start,
      { type: 'block-start', index: 0, block: { kind: 'opaque' } },
      { type: 'block-end', index: 0, block: { type: 'opaque', dialect: 'openai-responses', value: webSearch } },
      { type: 'block-start', index: 1, block: { kind: 'opaque' } },
      { type: 'block-end', index: 1, block: { type: 'opaque', dialect: 'anthropic-messages', value: { type: 'server_tool_use' } } },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ]);
    assertProtocol(frames);
    const events = parseSse(frames);
    assert.deepEqual(types(frames).slice(2), ['response.output_item.added', 'response.output_item.done', 'response.completed']);
    assert.deepEqual(events[3]?.data.item, webSearch);
    assert.deepEqual(
      context.warnings.list.map((warning) => warning.code),
      ['item_dropped'],
    );
  });

  test('a stream that ends without a terminal event is failed, never closed silently', () => {
    const frames = encode([start, ...textEvents(0, 'Complete item')]);
    assertProtocol(frames);
    const events = parseSse(frames);
    assert.equal(events.at(-1)?.data.type, 'response.failed');
    assert.equal((events.at(-1)?.data.response as { output: unknown[] }).output.length, 1);
  });

  test('events before response-start still open with created and in_progress', () => {
    const frames = encode([...textEvents(0, 'No start'), { type: 'response-end', finishReason: { unified: 'stop' } }]);
    assertProtocol(frames);
  });
});

describe('ResponsesStreamEncoder: foreign reasoning secrets', () => {
  test('anthropic thinking and its signature ride in an envelope; the summary streams as text', () => {
    const frames = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'anthropic' } },
      { type: 'reasoning-delta', index: 0, part: 0, delta: 'Let me think.' },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'anthropic', summary: ['Let me think.'], signature: 'EqQBsig' } },
      { type: 'block-start', index: 1, block: { kind: 'reasoning', family: 'anthropic' } },
      { type: 'block-end', index: 1, block: { type: 'reasoning', family: 'anthropic', summary: [], redactedData: 'EmwKredacted' } },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ]);
    assertProtocol(frames);
    const output = (parseSse(frames).at(-1)?.data.response as { output: Array<{ summary: unknown; encrypted_content: string }> }).output;
    assert.deepEqual(output[0]?.summary, [{ type: 'summary_text', text: 'Let me think.' }]);
    assert.deepEqual(decodeReasoningEnvelope(output[0]?.encrypted_content ?? ''), {
      v: 1,
      family: 'anthropic',
      blocks: [{ thinking: 'Let me think.', signature: 'EqQBsig' }],
    });
    assert.deepEqual(decodeReasoningEnvelope(output[1]?.encrypted_content ?? ''), { v: 1, family: 'anthropic', blocks: [{ redactedData: 'EmwKredacted' }] });
  });

  test('a gemini call signature gets a carrier reasoning item right after the call', () => {
    const call = {
      type: 'tool-call' as const,
      callId: 'call_g',
      name: 'read',
      kind: 'function' as const,
      input: '{"p":1}',
      signature: { family: 'gemini' as const, value: 'CiQsig' },
    };
    const frames = encode([start, ...callEvents(0, call), { type: 'response-end', finishReason: { unified: 'tool_calls' } }]);
    assertProtocol(frames);
    const output = (parseSse(frames).at(-1)?.data.response as { output: Array<Record<string, unknown>> }).output;
    assert.deepEqual(
      output.map((item) => item.type),
      ['function_call', 'reasoning'],
    );
    assert.deepEqual(output[1]?.summary, []);
    assert.deepEqual(decodeReasoningEnvelope(output[1]?.encrypted_content as string), {
      v: 1,
      family: 'gemini',
      partSignatures: [{ callId: 'call_g', value: 'CiQsig' }],
    });
  });
});

describe('ResponsesStreamEncoder output through the official OpenAI SDK', () => {
  test('text, reasoning, calls and an opaque item: the SDK accepts every event and finalResponse matches', async () => {
    const call = { type: 'tool-call' as const, callId: 'call_1', name: 'shell', kind: 'function' as const, input: '{"command":["ls"]}' };
    const custom = { type: 'tool-call' as const, callId: 'call_2', name: 'apply_patch', kind: 'custom' as const, input: '*** Begin Patch' };
    const frames = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'openai' } },
      { type: 'reasoning-delta', index: 0, part: 0, delta: 'Think' },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'openai', summary: ['Think', 'More'], encryptedContent: 'gAAAAz' } },
      ...textEvents(1, 'Running it.'),
      ...callEvents(2, call),
      ...callEvents(3, custom),
      { type: 'block-start', index: 4, block: { kind: 'opaque' } },
      {
        type: 'block-end',
        index: 4,
        block: {
          type: 'opaque',
          dialect: 'openai-responses',
          value: { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'q' } },
        },
      },
      { type: 'response-end', finishReason: { unified: 'tool_calls' }, usage },
    ]);
    const { response, seen } = await sdkFinalResponse(frames);
    assert.equal(seen.length, frames.length);
    const completed = parseSse(frames).at(-1)?.data.response as Record<string, unknown>;
    assert.equal(response.id, completed.id);
    assert.equal(response.status, 'completed');
    assert.equal(response.model, 'codex-alias');
    assert.equal(response.output_text, 'Running it.');
    assert.deepEqual(response.usage, completed.usage);
    assert.deepEqual(
      response.output.map((item) => item.type),
      ['reasoning', 'message', 'function_call', 'custom_tool_call', 'web_search_call'],
    );
    const fn = response.output[2];
    assert.equal(fn?.type === 'function_call' ? fn.arguments : '', '{"command":["ls"]}');
    const reasoning = response.output[0];
    assert.deepEqual(reasoning?.type === 'reasoning' ? reasoning.summary.map((part) => part.text) : [], ['Think', 'More']);
  });

  test('keepalive events keep the numbering and are accepted by the SDK', async () => {
    const encoder = new ResponsesStreamEncoder(clientContext());
    assert.deepEqual(encoder.keepalive(), [], 'nothing before the stream started');
    const frames = [...encoder.push(start), ...encoder.keepalive()];
    for (const event of textEvents(0, 'Hello')) frames.push(...encoder.push(event), ...encoder.keepalive());
    frames.push(...encoder.push({ type: 'response-end', finishReason: { unified: 'stop' }, usage }));
    assert.deepEqual(encoder.keepalive(), [], 'nothing after the terminal event');
    assertProtocol(frames);
    assert.equal(types(frames).filter((type) => type === 'keepalive').length, 5);
    const { response } = await sdkFinalResponse(frames);
    assert.equal(response.output_text, 'Hello');
  });

  test('a mid-stream error surfaces as the SDK error carrying our message', async () => {
    const frames = encode([start, ...textEvents(0, 'Partial'), { type: 'error', error: { code: 'provider_quota_exceeded', message: 'Quota gone' } }]);
    await assert.rejects(sdkFinalResponse(frames), (error: unknown) => error instanceof Error && /Quota gone/.test(error.message));
  });

  test('recorded upstream streams survive decode → encode → SDK', async () => {
    for (const name of [
      'web-search-call.sse',
      'reasoning-encrypted-then-function-call.sse',
      'custom-tool-call-freeform.jsonl',
      'text-after-function-output.sse',
    ]) {
      const irEvents = run(new ResponsesStreamDecoder(exchangeContext(minimalRequest())), fixtureSseEvents(name));
      const frames = encode(irEvents);
      assertProtocol(frames);
      const { response } = await sdkFinalResponse(frames);
      const upstream = foldStream(irEvents);
      // Decoding our own output gives back the same content and usage.
      const again = foldStream(
        run(
          new ResponsesStreamDecoder(exchangeContext(minimalRequest())),
          parseSse(frames).map((event) => ({ event: event.event, data: JSON.stringify(event.data) })),
        ),
      );
      assert.deepEqual(again.content.map(stripIds), upstream.content.map(stripIds), name);
      assert.deepEqual(again.usage, upstream.usage, name);
      assert.equal(response.output.length, upstream.content.length, name);
    }
  });
});

function stripIds(block: ContentBlock): unknown {
  if (block.type === 'tool-call' || block.type === 'reasoning') {
    const { itemId: _itemId, ...rest } = block;
    return rest;
  }
  return block;
}
