import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { foldStream, type ModelRequest, type StreamEvent } from '../../core/ir/index.ts';
import { SseDecoder } from '../../core/sse-decoder.ts';
import { encodeResponse as encodeChatResponse } from './encode-response.ts';
import { ChatStreamDecoder } from './stream-decoder.ts';
import { ChatStreamEncoder } from './stream-encoder.ts';
import { clientContext, exchangeContext, fixtureEvents, minimalRequest, run } from '../../../test/support/dialects/openai-chat.ts';
import { assertMatchesOpenAiSchema, assertValidChatChunks } from '../../../test/support/openai-schema.ts';

const usage = { inputTokens: 100, cachedInputTokens: 40, cacheWriteTokens: 0, outputTokens: 30, reasoningTokens: 12 };
const start: StreamEvent = { type: 'response-start', id: 'msg_upstream', model: 'claude-x', createdAt: 1700000000 };

function chatRequest(overrides: Partial<ModelRequest> = {}, includeUsage = true): ModelRequest {
  return minimalRequest({ extensions: { 'openai-chat': includeUsage ? { stream_options: { include_usage: true } } : {} }, ...overrides });
}

/** Encodes and checks every chunk against OpenAI's published schema. */
function encode(events: readonly StreamEvent[], request: ModelRequest = chatRequest()): string[] {
  return validChunks(run(new ChatStreamEncoder(clientContext(request)), events));
}

function validChunks(frames: string[]): string[] {
  const decoder = new SseDecoder();
  assertValidChatChunks([...decoder.push(frames.join('')), ...decoder.finish()].map((event) => event.data));
  return frames;
}

/** The non-stream body, checked against OpenAI's `CreateChatCompletionResponse`. */
function encodeResponse(...args: Parameters<typeof encodeChatResponse>): ReturnType<typeof encodeChatResponse> {
  const body = encodeChatResponse(...args);
  assertMatchesOpenAiSchema('CreateChatCompletionResponse', body);
  return body;
}

/** The JSON payloads of the frames (`[DONE]` as the string), loosely typed for assertions. */
function payloads(frames: readonly string[]): any[] {
  for (const frame of frames) assert.match(frame, /^data: .*\n\n$/s, 'data-only frames');
  const decoder = new SseDecoder();
  return [...decoder.push(frames.join('')), ...decoder.finish()].map((event) => (event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data)));
}

function client(body: string, contentType = 'text/event-stream'): OpenAI {
  return new OpenAI({
    apiKey: 'x',
    baseURL: 'http://127.0.0.1:9/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': contentType } }),
  });
}

const params = { model: 'chat-alias', messages: [{ role: 'user' as const, content: 'hi' }] };

/** What the SDK's raw iteration sees, reassembled the way a client would. */
async function sdkIterate(frames: readonly string[]) {
  const stream = await client(frames.join('')).chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
  let content = '';
  let refusal = '';
  let finish: string | null = null;
  let usageSeen: unknown;
  const calls: Array<{ id: string; type: string; name: string; arguments: string }> = [];
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.model, 'chat-alias');
    if (chunk.usage) usageSeen = chunk.usage;
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? '';
      refusal += choice.delta.refusal ?? '';
      if (choice.finish_reason) finish = choice.finish_reason;
      for (const call of choice.delta.tool_calls ?? []) {
        const entry = (calls[call.index] ??= { id: '', type: '', name: '', arguments: '' });
        if (call.id) entry.id = call.id;
        if (call.type) entry.type = call.type;
        if (call.function?.name) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? '';
      }
    }
  }
  return { content, refusal, finish, usage: usageSeen, calls };
}

/** The comparable part of a completion from `stream().finalChatCompletion()` or a unary `create()`. */
function essentials(completion: OpenAI.Chat.Completions.ChatCompletion) {
  const choice = completion.choices[0]!;
  return {
    id: completion.id,
    model: completion.model,
    content: choice.message.content,
    refusal: choice.message.refusal,
    toolCalls: (choice.message.tool_calls ?? []).map((call) =>
      call.type === 'function'
        ? { id: call.id, type: call.type, name: call.function.name, arguments: call.function.arguments }
        : { id: call.id, type: call.type, name: call.custom.name, arguments: call.custom.input },
    ),
    finishReason: choice.finish_reason,
    // The stream helper keeps the `usage: null` of include_usage chunks when no usage chunk came.
    usage: completion.usage ?? undefined,
  };
}

/** Upstream recording → IR → Chat client, streamed and unary, through the official SDK. */
async function roundTrip(fixture: string) {
  const events = run(new ChatStreamDecoder(exchangeContext()), fixtureEvents(fixture));
  const context = clientContext(chatRequest());
  const frames = validChunks(run(new ChatStreamEncoder(context), events));
  const iterated = await sdkIterate(frames);
  const final = await client(frames.join(''))
    .chat.completions.stream({ ...params, stream_options: { include_usage: true } })
    .finalChatCompletion();
  const unary = await client(JSON.stringify(encodeResponse(foldStream(events), context)), 'application/json').chat.completions.create(params);
  return { events, frames, iterated, final: essentials(final), unary: essentials(unary) };
}

describe('ChatStreamEncoder through the official openai SDK', () => {
  for (const fixture of [
    'parallel-tool-calls-include-usage.sse',
    'anthropic-openai-compat-tool-call.sse',
    'vllm-tool-call.sse',
    'ollama-parallel-tool-calls.sse',
    'refusal-include-usage.sse',
    'azure-prompt-filter-prelude.jsonl',
    'finish-length-include-usage.sse',
  ]) {
    test(`${fixture}: create({stream:true}) iteration, stream().finalChatCompletion() and the unary response agree`, async () => {
      const { events, iterated, final, unary } = await roundTrip(fixture);
      const folded = foldStream(events);
      assert.deepEqual(final, unary);
      const text = folded.content
        .filter((block) => block.type === 'text')
        .map((block) => (block.type === 'text' ? block.text : ''))
        .join('\n\n');
      assert.equal(iterated.content, text);
      assert.equal(final.content ?? '', text);
      assert.equal(iterated.refusal, final.refusal ?? '');
      assert.equal(iterated.finish, final.finishReason);
      assert.deepEqual(iterated.calls, final.toolCalls);
      const irCalls = folded.content.filter((block) => block.type === 'tool-call');
      assert.deepEqual(
        final.toolCalls.map((call) => [call.id, call.name, call.arguments]),
        irCalls.map((call) => (call.type === 'tool-call' ? [call.callId, call.name, call.input] : [])),
      );
      assert.deepEqual(iterated.usage, final.usage);
      if (folded.usage) assert.equal(final.usage?.prompt_tokens, folded.usage.inputTokens);
      assert.equal(final.model, 'chat-alias');
    });
  }

  test('parallel calls: the exact §13.4 chunk sequence', async () => {
    const { frames, final } = await roundTrip('parallel-tool-calls-include-usage.sse');
    const chunks = payloads(frames);
    assert.deepEqual(chunks[0]!.choices, [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    assert.deepEqual(chunks[1].choices[0].delta, {
      tool_calls: [{ index: 0, id: 'call_JMW1whyEaYG438VE1OIflxA2', type: 'function', function: { name: 'GetWeatherArgs', arguments: '' } }],
    });
    assert.deepEqual(chunks[2].choices[0].delta, { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] });
    const secondStart = chunks.findIndex((chunk) => chunk.choices?.[0]?.delta?.tool_calls?.[0]?.index === 1);
    assert.equal(chunks[secondStart].choices[0].delta.tool_calls[0].id, 'call_DNYTawLBoN8fj3KN6qU9N1Ou');
    const tail = chunks.slice(-3);
    assert.deepEqual(tail[0].choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
    assert.deepEqual(tail[1].choices, []);
    assert.deepEqual(tail[1].usage, {
      prompt_tokens: 149,
      completion_tokens: 60,
      total_tokens: 209,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.equal(tail[2], '[DONE]');
    for (const chunk of chunks.slice(0, -2)) assert.equal(chunk.usage, null, 'usage: null on every other chunk');
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.id === 'chatcmpl-ABfwAwrNePHUgBBezonVC6MX3zd63'));
    assert.equal(final.toolCalls.length, 2);
  });

  test('without include_usage: no usage chunk and no usage fields', () => {
    const frames = encode(
      [
        start,
        { type: 'block-start', index: 0, block: { kind: 'text' } },
        { type: 'text-delta', index: 0, delta: 'Hi' },
        { type: 'block-end', index: 0, block: { type: 'text', text: 'Hi' } },
        { type: 'response-end', finishReason: { unified: 'stop' }, usage },
      ],
      chatRequest({}, false),
    );
    const chunks = payloads(frames);
    assert.equal(chunks.length, 4);
    assert.equal(chunks.at(-1), '[DONE]');
    assert.ok(chunks.slice(0, -1).every((chunk) => !('usage' in chunk) && chunk.choices.length === 1));
    assert.match(chunks[0].id, /^chatcmpl-req1$/, 'a foreign upstream id becomes a chatcmpl- id');
  });

  test('reasoning as reasoning_content, two text blocks as paragraphs, a whole block without deltas', async () => {
    const events: StreamEvent[] = [
      start,
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'anthropic' } },
      { type: 'reasoning-delta', index: 0, delta: 'Plan.', part: 0 },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'anthropic', summary: ['Plan.'], signature: 'sig' } },
      { type: 'block-start', index: 1, block: { kind: 'text' } },
      { type: 'text-delta', index: 1, delta: 'One.' },
      { type: 'block-end', index: 1, block: { type: 'text', text: 'One.' } },
      { type: 'block-start', index: 2, block: { kind: 'text' } },
      { type: 'block-end', index: 2, block: { type: 'text', text: 'Two.' } },
      { type: 'response-end', finishReason: { unified: 'stop', raw: 'end_turn' }, usage },
    ];
    const frames = encode(events);
    const deltas = payloads(frames)
      .filter((chunk) => chunk !== '[DONE]' && chunk.choices.length > 0)
      .map((chunk) => chunk.choices[0].delta);
    assert.deepEqual(deltas.slice(1, 4), [{ reasoning_content: 'Plan.' }, { content: 'One.' }, { content: '\n\nTwo.' }]);
    const iterated = await sdkIterate(frames);
    const unary = encodeResponse(foldStream(events), clientContext(chatRequest()));
    assert.equal(iterated.content, unary.choices[0]!.message.content);
    assert.equal(unary.choices[0]!.message.reasoning_content, 'Plan.');
    assert.deepEqual(iterated.usage, {
      prompt_tokens: 100,
      completion_tokens: 30,
      total_tokens: 130,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  test('freeform calls: native for a client that declared the custom tool, wrapped {"input"} otherwise; both whole', async () => {
    const patch = '*** Begin Patch\n*** End Patch';
    const call = { type: 'tool-call' as const, callId: 'call_1', name: 'apply_patch', kind: 'custom' as const, input: patch };
    const events: StreamEvent[] = [
      start,
      { type: 'block-start', index: 0, block: { kind: 'tool-call', callId: 'call_1', name: 'apply_patch', toolKind: 'custom' } },
      { type: 'tool-call-delta', index: 0, delta: patch.slice(0, 5) },
      { type: 'tool-call-delta', index: 0, delta: patch.slice(5) },
      { type: 'block-end', index: 0, block: call },
      { type: 'response-end', finishReason: { unified: 'tool_calls' } },
    ];
    const native = payloads(encode(events, chatRequest({ tools: [{ kind: 'custom', name: 'apply_patch' }] })));
    const nativeCalls = native
      .filter((chunk) => chunk !== '[DONE]' && chunk.choices[0]?.delta?.tool_calls)
      .map((chunk) => chunk.choices[0].delta.tool_calls[0]);
    assert.deepEqual(nativeCalls, [{ index: 0, id: 'call_1', type: 'custom', custom: { name: 'apply_patch', input: patch } }]);
    const wrappedFrames = encode(events);
    const iterated = await sdkIterate(wrappedFrames);
    assert.deepEqual(iterated.calls, [{ id: 'call_1', type: 'function', name: 'apply_patch', arguments: JSON.stringify({ input: patch }) }]);
    const final = await client(wrappedFrames.join('')).chat.completions.stream(params).finalChatCompletion();
    assert.equal(final.choices[0]!.message.tool_calls?.[0]?.type, 'function');
  });

  test('an error after the start is `data: {"error":…}` with no [DONE]; the SDK throws it', async () => {
    const frames = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'text' } },
      { type: 'text-delta', index: 0, delta: 'partial' },
      { type: 'error', error: { code: 'provider_overloaded', message: 'The upstream is overloaded.' } },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ]);
    const chunks = payloads(frames);
    assert.deepEqual(chunks.at(-1), { error: { message: 'The upstream is overloaded.', type: 'server_error', code: 'server_is_overloaded', param: null } });
    assert.ok(!chunks.includes('[DONE]'));
    await assert.rejects(sdkIterate(frames), (error: unknown) => error instanceof OpenAI.APIError && /overloaded/.test(error.message));
  });

  test('an IR stream that just stops ends with an error chunk; an error first is the only chunk', () => {
    const cut = payloads(encode([start, { type: 'block-start', index: 0, block: { kind: 'text' } }]));
    assert.equal(cut.at(-1)?.error?.type, 'server_error');
    const first = payloads(encode([{ type: 'error', error: { code: 'provider_rate_limited', message: 'Slow down.', retryAfterSeconds: 3 } }]));
    assert.deepEqual(first, [
      { error: { message: 'Slow down. Please try again in 3s.', type: 'rate_limit_exceeded', code: 'rate_limit_exceeded', param: null } },
    ]);
  });
});

describe('encodeResponse', () => {
  test('a chat.completion with the requested model, text, refusal, calls and usage', () => {
    const completion = encodeResponse(
      {
        id: 'msg_01',
        model: 'claude-sonnet-4-5',
        createdAt: 1700000000123,
        content: [
          { type: 'text', text: 'Reading.' },
          { type: 'tool-call', callId: 'toolu_1', name: 'read', namespace: 'fs', kind: 'function', input: '{"path":"a"}' },
          { type: 'opaque', dialect: 'anthropic-messages', value: { type: 'server_tool_use' } },
        ],
        finishReason: { unified: 'tool_calls', raw: 'tool_use' },
        usage,
      },
      clientContext(),
    );
    assert.deepEqual(completion, {
      id: 'chatcmpl-req1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'chat-alias',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Reading.',
            refusal: null,
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'fs__read', arguments: '{"path":"a"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 30,
        total_tokens: 130,
        prompt_tokens_details: { cached_tokens: 40 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
  });

  test('refusal and length map to Chat words; an empty answer has content ""', () => {
    const refusal = encodeResponse(
      { id: 'chatcmpl-9', model: 'm', createdAt: 1, content: [{ type: 'refusal', text: 'No.' }], finishReason: { unified: 'refusal', raw: 'stop' } },
      clientContext(),
    );
    assert.equal(refusal.id, 'chatcmpl-9');
    assert.deepEqual(refusal.choices[0]!.message, { role: 'assistant', content: null, refusal: 'No.' });
    assert.equal(refusal.choices[0]!.finish_reason, 'stop', 'an OpenAI refusal that ended normally stays stop');
    const refusalStop = encodeResponse(
      { id: 'chatcmpl-9', model: 'm', createdAt: 1, content: [{ type: 'refusal', text: 'No.' }], finishReason: { unified: 'refusal' } },
      clientContext(),
    );
    assert.equal(refusalStop.choices[0]!.finish_reason, 'content_filter', 'a stop because of a refusal');
    const empty = encodeResponse({ id: '', model: 'm', createdAt: 1, content: [], finishReason: { unified: 'length' } }, clientContext());
    assert.equal(empty.choices[0]!.message.content, '');
    assert.equal(empty.choices[0]!.finish_reason, 'length');
  });
});
