import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type ModelRequest, type StreamEvent, type ToolCallBlock } from '../../core/ir/index.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import { ChatStreamDecoder } from './stream-decoder.ts';
import { exchangeContext, fixtureEvents, minimalRequest, run, warningCodes } from '../../../test/support/dialects/openai-chat.ts';

function decode(events: readonly SseEvent[], request: ModelRequest = minimalRequest()) {
  const context = exchangeContext(request);
  const out = run(new ChatStreamDecoder(context), events);
  return { out, context };
}

function decodeFixture(name: string, request?: ModelRequest) {
  return decode(fixtureEvents(name), request);
}

/** Chunks in the recorded shape, for sequences no recording covers. */
function chunk(delta: Record<string, unknown>, finishReason: string | null = null): SseEvent {
  return {
    data: JSON.stringify({
      id: 'chatcmpl-x',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    }),
  };
}

function callFragment(index: number, fields: Record<string, unknown>): Record<string, unknown> {
  return { tool_calls: [{ index, ...fields }] };
}

/**
 * The IR stream contract: response-start first; block indexes dense from 0; at most one block
 * open; deltas only for the open block and adding up to what its block-end carries; exactly
 * one terminal event, last.
 */
function assertStreamContract(events: readonly StreamEvent[]): void {
  const terminal = events.filter((event) => event.type === 'response-end' || event.type === 'error');
  assert.equal(terminal.length, 1, 'exactly one terminal event');
  assert.equal(events.at(-1), terminal[0]);
  if (events[0]?.type !== 'error') assert.equal(events[0]?.type, 'response-start');
  let open: { index: number; text: string } | undefined;
  let next = 0;
  for (const event of events) {
    if (event.type === 'block-start') {
      assert.equal(open, undefined, `block ${event.index} opened while ${open?.index} is open`);
      assert.equal(event.index, next++, 'dense indexes');
      open = { index: event.index, text: '' };
    } else if (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'tool-call-delta') {
      assert.equal(event.index, open?.index, 'delta for the open block');
      open!.text += event.delta;
    } else if (event.type === 'block-end') {
      assert.equal(event.index, open?.index);
      const block = event.block;
      const full = block.type === 'tool-call' ? block.input : block.type === 'reasoning' ? block.summary.join('') : 'text' in block ? block.text : '';
      assert.equal(open!.text, full, `deltas of block ${event.index} add up to its content`);
      open = undefined;
    }
  }
}

function calls(events: readonly StreamEvent[]): ToolCallBlock[] {
  return foldStream(events).content.filter((block): block is ToolCallBlock => block.type === 'tool-call');
}

describe('ChatStreamDecoder on recorded streams', () => {
  test('OpenAI: two parallel calls streamed index 0 then 1, usage chunk after finish_reason', () => {
    const { out } = decodeFixture('parallel-tool-calls-include-usage.sse');
    assertStreamContract(out);
    const response = foldStream(out);
    assert.equal(response.id, 'chatcmpl-ABfwAwrNePHUgBBezonVC6MX3zd63');
    assert.equal(response.model, 'gpt-4o-2024-08-06');
    assert.equal(response.createdAt, 1727346178);
    assert.deepEqual(response.content, [
      {
        type: 'tool-call',
        callId: 'call_JMW1whyEaYG438VE1OIflxA2',
        name: 'GetWeatherArgs',
        kind: 'function',
        input: '{"city": "Edinburgh", "country": "GB", "units": "c"}',
      },
      {
        type: 'tool-call',
        callId: 'call_DNYTawLBoN8fj3KN6qU9N1Ou',
        name: 'get_stock_price',
        kind: 'function',
        input: '{"ticker": "AAPL", "exchange": "NASDAQ"}',
      },
    ]);
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'tool_calls' });
    assert.deepEqual(response.usage, { inputTokens: 149, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 60, reasoningTokens: 0 });
    // The first call ends as soon as the second one starts: its JSON is complete.
    const order = out.filter((event) => event.type === 'block-start' || event.type === 'block-end').map((event) => `${event.type}:${event.index}`);
    assert.deepEqual(order, ['block-start:0', 'block-end:0', 'block-start:1', 'block-end:1']);
    assert.equal(out.filter((event) => event.type === 'tool-call-delta').length, 11 + 9, 'one delta per non-empty fragment');
  });

  test("Anthropic's compat endpoint: text, then a call whose index starts at 1", () => {
    const { out } = decodeFixture('anthropic-openai-compat-tool-call.sse');
    assertStreamContract(out);
    const response = foldStream(out);
    assert.equal(response.id, 'msg_sanitized');
    assert.equal(response.model, 'claude-haiku-4-5-20251001');
    assert.ok(response.createdAt > 1_600_000_000, 'created 0 is replaced by now');
    assert.deepEqual(response.content, [
      { type: 'text', text: 'Reading it.' },
      { type: 'tool-call', callId: 'toolu_sanitized', name: 'read_file', kind: 'function', input: '{"path": "a.txt"}' },
    ]);
    assert.equal(response.finishReason.unified, 'tool_calls');
    assert.equal(response.usage, undefined);
  });

  test('vLLM: the first call fragment has no arguments key; model "" falls back to the target', () => {
    const { out } = decodeFixture('vllm-tool-call.sse');
    assertStreamContract(out);
    const response = foldStream(out);
    assert.equal(response.model, 'qwen3-coder');
    assert.deepEqual(response.content, [
      { type: 'tool-call', callId: 'chatcmpl-tool-ca99dda515524c6abe47d1ea22813507', name: 'run_command', kind: 'function', input: '{"command": "ls"}' },
    ]);
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'tool_calls' });
  });

  test('Ollama: each call whole in one chunk, no [DONE]', () => {
    const { out } = decodeFixture('ollama-parallel-tool-calls.sse');
    assertStreamContract(out);
    assert.deepEqual(
      calls(out).map((call) => [call.callId, call.name, call.input]),
      [
        ['call_wteop8bt', 'run_command', '{"command":"ls"}'],
        ['call_rk2xye1l', 'run_command', '{"command":"ls -l"}'],
      ],
    );
    // The first call closes when the second arrives, not at the end.
    const ends = out.map((event) => event.type).indexOf('block-end');
    const secondStart = out.findIndex((event) => event.type === 'block-start' && event.index === 1);
    assert.ok(ends < secondStart);
    assert.equal(foldStream(out).finishReason.unified, 'tool_calls');
  });

  test('max_tokens: finish_reason length, then usage', () => {
    const { out } = decodeFixture('finish-length-include-usage.sse');
    assertStreamContract(out);
    const response = foldStream(out);
    assert.deepEqual(response.content, [{ type: 'text', text: '{"' }]);
    assert.deepEqual(response.finishReason, { unified: 'length', raw: 'length' });
    assert.equal(response.usage?.inputTokens, 79);
    assert.equal(response.usage?.outputTokens, 1);
  });

  test('a refusal streamed in delta.refusal becomes a refusal block and finish reason', () => {
    const { out } = decodeFixture('refusal-include-usage.sse');
    assertStreamContract(out);
    const response = foldStream(out);
    assert.deepEqual(response.content, [{ type: 'refusal', text: "I'm sorry, I can't assist with that request." }]);
    assert.deepEqual(response.finishReason, { unified: 'refusal', raw: 'stop' });
    assert.equal(response.usage?.outputTokens, 11);
  });

  test('Azure: the prelude chunk (empty id, choices []) is ignored; reasoning tokens counted', () => {
    const { out } = decodeFixture('azure-prompt-filter-prelude.jsonl');
    assertStreamContract(out);
    assert.equal(out.filter((event) => event.type === 'response-start').length, 1);
    const response = foldStream(out);
    assert.equal(response.id, 'chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt');
    assert.equal(response.model, 'gpt-5-nano-2025-08-07');
    assert.deepEqual(response.content, [{ type: 'text', text: 'Capital of Denmark.' }]);
    assert.deepEqual(response.usage, { inputTokens: 15, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 78, reasoningTokens: 64 });
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'stop' });
  });

  test('Groq: `reasoning` deltas become a reasoning block; `event: error` ends the stream as an error', () => {
    const { out } = decodeFixture('groq-midstream-error-event.sse');
    assertStreamContract(out);
    const reasoningEnd = out.find((event) => event.type === 'block-end');
    assert.equal(reasoningEnd, undefined, 'the reasoning block was still open when the error came');
    const reasoning = out
      .filter((event) => event.type === 'reasoning-delta')
      .map((event) => event.delta)
      .join('');
    assert.match(reasoning, /^We need to call the tool with invalid parameters/);
    const start = out.find((event) => event.type === 'block-start');
    assert.deepEqual(start?.type === 'block-start' && start.block, { kind: 'reasoning', family: 'openai-compatible' });
    const error = out.at(-1);
    assert.equal(error?.type, 'error');
    assert.equal(error?.type === 'error' && error.error.code, 'provider_error');
    assert.equal(error?.type === 'error' && error.error.providerCode, 'tool_use_failed');
    assert.match(error?.type === 'error' ? error.error.message : '', /Tool call validation failed/);
    assert.throws(() => foldStream(out), /Tool call validation failed/);
  });

  test('the API reference example (no [DONE], an elided middle)', () => {
    const { out } = decodeFixture('text.docs-example.ndjson.txt');
    assertStreamContract(out);
    const response = foldStream(out);
    assert.deepEqual(response.content, [{ type: 'text', text: 'Hello' }]);
    assert.equal(response.id, 'chatcmpl-123');
  });

  test('every recorded stream decodes the same when fed one byte at a time', () => {
    for (const name of [
      'parallel-tool-calls-include-usage.sse',
      'anthropic-openai-compat-tool-call.sse',
      'vllm-tool-call.sse',
      'azure-prompt-filter-prelude.jsonl',
    ]) {
      const whole = decode(fixtureEvents(name, 1 << 20)).out;
      const bytewise = decode(fixtureEvents(name, 1)).out;
      assert.deepEqual(foldStream(bytewise), { ...foldStream(whole), createdAt: foldStream(bytewise).createdAt }, name);
    }
  });
});

describe('ChatStreamDecoder on sequences no recording covers', () => {
  test('interleaved call fragments are serialised: the later call is buffered until the first ends', () => {
    const { out } = decode([
      chunk({ role: 'assistant', content: '' }),
      chunk(callFragment(3, { id: 'call_a', type: 'function', function: { name: 'read', arguments: '{"pa' } })),
      chunk(callFragment(7, { id: 'call_b', type: 'function', function: { name: 'list', arguments: '{"di' } })),
      chunk(callFragment(3, { function: { arguments: 'th":"a"}' } })),
      chunk(callFragment(7, { function: { arguments: 'r":"."}' } })),
      chunk({}, 'tool_calls'),
      { data: '[DONE]' },
    ]);
    assertStreamContract(out);
    assert.deepEqual(
      calls(out).map((call) => [call.callId, call.input]),
      [
        ['call_a', '{"path":"a"}'],
        ['call_b', '{"dir":"."}'],
      ],
    );
  });

  test('calls without ids get distinct synthesized call_ ids', () => {
    const { out } = decode([
      chunk(callFragment(0, { type: 'function', function: { name: 'a', arguments: '{}' } })),
      chunk(callFragment(1, { type: 'function', function: { name: 'b', arguments: '{}' } })),
      chunk({}, 'tool_calls'),
    ]);
    const ids = calls(out).map((call) => call.callId);
    assert.equal(ids.length, 2);
    for (const id of ids) assert.match(id, /^call_[0-9a-f]{24}$/);
    assert.notEqual(ids[0], ids[1]);
  });

  test('fragments without an index (Gemini compat): a named fragment starts a new call', () => {
    const { out } = decode([
      chunk({ tool_calls: [{ id: 'g1', type: 'function', function: { name: 'a', arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ id: 'g2', type: 'function', function: { name: 'b', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    assertStreamContract(out);
    assert.deepEqual(
      calls(out).map((call) => [call.callId, call.name, call.input]),
      [
        ['g1', 'a', '{"x":1}'],
        ['g2', 'b', '{}'],
      ],
    );
  });

  test('a new id on an index already in use starts a new call', () => {
    const { out } = decode([
      chunk(callFragment(0, { id: 'p1', type: 'function', function: { name: 'glob', arguments: '{"pattern":"*"}' } })),
      chunk(callFragment(0, { id: 'p2', type: 'function', function: { name: 'glob', arguments: '{"path":"c"}' } })),
      chunk({ content: 'then' }),
      chunk(callFragment(0, { id: 'p3', type: 'function', function: { name: 'glob', arguments: '{}' } })),
      chunk({}, 'tool_calls'),
    ]);
    assertStreamContract(out);
    assert.deepEqual(
      calls(out).map((call) => [call.callId, call.input]),
      [
        ['p1', '{"pattern":"*"}'],
        ['p2', '{"path":"c"}'],
        ['p3', '{}'],
      ],
    );
  });

  test('a name-only call with no arguments at all is `{}`, and its deltas say so', () => {
    const { out } = decode([chunk(callFragment(0, { id: 'c1', type: 'function', function: { name: 'now' } })), chunk({}, 'tool_calls')]);
    assertStreamContract(out);
    assert.equal(calls(out)[0]?.input, '{}');
  });

  test('namespaced and freeform tools come back with their IR identity; freeform input unwrapped', () => {
    const request = minimalRequest({
      tools: [
        { kind: 'function', name: 'wait_agent', namespace: 'multi_agent_v1' },
        { kind: 'custom', name: 'apply_patch' },
      ],
    });
    const context = exchangeContext(request);
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
    const wrapped = JSON.stringify({ input: patch });
    const events = [
      chunk(
        callFragment(0, {
          id: 'c1',
          type: 'function',
          function: { name: context.toolNames.wireName('wait_agent', 'multi_agent_v1'), arguments: '{"targets":[]}' },
        }),
      ),
      chunk(callFragment(1, { id: 'c2', type: 'function', function: { name: 'apply_patch', arguments: wrapped.slice(0, 10) } })),
      chunk(callFragment(1, { function: { arguments: wrapped.slice(10) } })),
      chunk({}, 'tool_calls'),
    ];
    const out = run(new ChatStreamDecoder(context), events);
    assertStreamContract(out);
    const starts = out.filter((event) => event.type === 'block-start').map((event) => event.type === 'block-start' && event.block);
    assert.deepEqual(starts, [
      { kind: 'tool-call', callId: 'c1', name: 'wait_agent', namespace: 'multi_agent_v1', toolKind: 'function' },
      { kind: 'tool-call', callId: 'c2', name: 'apply_patch', toolKind: 'custom' },
    ]);
    assert.deepEqual(calls(out)[1], { type: 'tool-call', callId: 'c2', name: 'apply_patch', kind: 'custom', input: patch });
    assert.deepEqual(context.warnings.list, []);
  });

  test('reasoning_content (vLLM, DeepSeek), then content: two blocks in order', () => {
    const { out } = decode([
      chunk({ role: 'assistant', content: '', reasoning_content: 'Think' }),
      chunk({ reasoning_content: 'ing.' }),
      chunk({ content: 'Answer' }),
      chunk({}, 'stop'),
      {
        data: JSON.stringify({
          id: 'chatcmpl-x',
          choices: [],
          usage: { prompt_tokens: 5, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 4 }, prompt_tokens_details: { cached_tokens: 2 } },
        }),
      },
      { data: '[DONE]' },
    ]);
    assertStreamContract(out);
    const response = foldStream(out);
    assert.deepEqual(response.content, [
      { type: 'reasoning', family: 'openai-compatible', summary: ['Thinking.'] },
      { type: 'text', text: 'Answer' },
    ]);
    assert.deepEqual(response.usage, { inputTokens: 5, cachedInputTokens: 2, cacheWriteTokens: 0, outputTokens: 9, reasoningTokens: 4 });
  });

  test('text arriving while a call is incomplete waits behind it', () => {
    const { out } = decode([
      chunk(callFragment(0, { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"x":' } })),
      chunk({ content: 'note' }),
      chunk(callFragment(0, { function: { arguments: '1}' } })),
      chunk({}, 'tool_calls'),
    ]);
    assertStreamContract(out);
    assert.deepEqual(
      foldStream(out).content.map((block) => block.type),
      ['tool-call', 'text'],
    );
  });

  test('a call cut by the output limit is not passed on as complete', () => {
    const { out, context } = decode([
      chunk({ content: 'Let me' }),
      chunk(callFragment(0, { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"path": "/v' } })),
      chunk({}, 'length'),
    ]);
    assertStreamContract(out);
    assert.deepEqual(foldStream(out).content, [{ type: 'text', text: 'Let me' }]);
    assert.deepEqual(warningCodes(context), ['tool_call_truncated']);
    assert.equal(foldStream(out).finishReason.unified, 'length');
  });

  test('a stream that ends without finish_reason is a provider error', () => {
    const { out } = decode([chunk({ content: 'Hel' }), chunk({ content: 'lo' })]);
    const error = out.at(-1);
    assert.equal(error?.type, 'error');
    assert.equal(error?.type === 'error' && error.error.code, 'provider_error');
    assert.throws(() => foldStream(out));
  });

  test('OpenAI\'s mid-stream `data: {"error":…}` is an error event; nothing after it', () => {
    const decoder = new ChatStreamDecoder(exchangeContext());
    const out = [
      ...decoder.push(chunk({ content: 'partial' })),
      ...decoder.push({
        data: JSON.stringify({ error: { message: 'Rate limit reached. Please try again in 2s.', type: 'requests', code: 'rate_limit_exceeded', param: null } }),
      }),
      ...decoder.push(chunk({ content: 'more' })),
      ...decoder.finish(),
    ];
    assertStreamContract(out);
    const error = out.at(-1);
    assert.equal(error?.type === 'error' && error.error.code, 'provider_rate_limited');
    assert.equal(error?.type === 'error' && error.error.retryAfterSeconds, 2);
  });

  test("Groq's usage inside x_groq is read", () => {
    const { out } = decode([
      chunk({ content: 'hi' }),
      {
        data: JSON.stringify({
          id: 'chatcmpl-x',
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          x_groq: { id: 'req_1', usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } },
        }),
      },
      { data: '[DONE]' },
    ]);
    assert.equal(foldStream(out).usage?.inputTokens, 12);
  });
});
