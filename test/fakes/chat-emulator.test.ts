// Proves the Chat Completions emulator's streams are what each server family sends (compared with
// the recorded OpenAI, vLLM and Ollama streams) and that the official openai SDK consumes them —
// raw `create({stream:true})` and `.stream().finalChatCompletion()` — for every flavor.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startChatEmulator, type ChatEmulatorOptions } from './chat-emulator.ts';
import type { ChatFlavor } from './chat-error.ts';
import { postJson } from './post-json.ts';
import { collapseRuns, readSseFrames } from './read-sse-frames.ts';
import type { Scenario } from './scenario.ts';
import { providerFixtureText } from '../support/provider-fixtures.ts';

const auth = { authorization: 'Bearer sk-chat-upstream-test' };
const tool = (name: string) => ({ type: 'function' as const, function: { name, parameters: { type: 'object', properties: { city: { type: 'string' } } } } });
const tools = [tool('get_weather'), tool('get_time')];
const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'Weather and time in Paris?' },
];
const request = { model: 'test-model', messages, tools };
const flavors: ChatFlavor[] = ['openai', 'vllm', 'ollama'];
const twoCalls: Scenario = {
  reasoning: { text: 'I should call both tools.' },
  text: 'Checking both.',
  toolCalls: [
    { name: 'get_weather', arguments: { city: 'Paris' } },
    { name: 'get_time', arguments: { city: 'Paris', zone: 'CET' } },
  ],
};

async function withEmulator(
  respond: ChatEmulatorOptions['respond'],
  options: Partial<ChatEmulatorOptions>,
  run: (client: OpenAI, url: string) => Promise<void>,
) {
  const emulator = await startChatEmulator({ respond, ...options });
  try {
    await run(new OpenAI({ apiKey: 'sk-chat-upstream-test', baseURL: emulator.url, maxRetries: 0 }), emulator.url);
  } finally {
    await emulator.close();
  }
}

async function rawStream(url: string, body: Record<string, unknown>) {
  const result = await postJson(`${url}/chat/completions`, { ...body, stream: true }, auth);
  assert.equal(result.status, 200, result.text);
  assert.match(result.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.ok(!/^event:/m.test(result.text), 'data-only SSE');
  return { text: result.text, frames: readSseFrames(result.text).map((frame) => frame.data) };
}

async function recordedFrames(name: string): Promise<string[]> {
  return readSseFrames(providerFixtureText('openai-chat', name)).map((frame) => frame.data);
}

/** One label per chunk, e.g. "role", "content", "call-open:0", "call-args:1", "finish:tool_calls", "usage". */
function labels(frames: string[]): string[] {
  return collapseRuns(
    frames
      .map((frame) => {
        if (frame === '[DONE]') return 'done';
        const chunk = JSON.parse(frame);
        if (chunk.error) return 'error';
        if (chunk.choices.length === 0) return 'usage';
        const [choice] = chunk.choices;
        if (choice.finish_reason) return `finish:${choice.finish_reason}`;
        const delta = choice.delta ?? {};
        if (delta.tool_calls) return `call-${delta.tool_calls[0].id || delta.tool_calls[0].function.name ? 'open' : 'args'}:${delta.tool_calls[0].index}`;
        if (delta.reasoning_content || delta.reasoning) return 'reasoning';
        if (delta.content) return 'content';
        return delta.role ? 'role' : 'empty';
      })
      .filter((label) => label !== 'empty'),
  );
}

describe('Chat emulator streams match the recorded server families', () => {
  test('openai: call 0 streamed fully (id, name, arguments "" first) before call 1; finish {} then the usage chunk; [DONE]', async () => {
    await withEmulator([{ toolCalls: twoCalls.toolCalls! }], { flavor: 'openai' }, async (_client, url) => {
      const { text, frames } = await rawStream(url, { ...request, stream_options: { include_usage: true } });
      assert.ok(text.endsWith('data: [DONE]\n\n'));
      assert.deepEqual(labels(frames), labels(await recordedFrames('parallel-tool-calls-include-usage.sse')));
      const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame));
      const opening = chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls)!.choices[0].delta.tool_calls[0];
      assert.deepEqual(Object.keys(opening), ['index', 'id', 'type', 'function']);
      assert.deepEqual(opening.function, { name: 'get_weather', arguments: '' });
      assert.deepEqual(chunks.at(-2).choices[0].delta, {});
      assert.ok(
        chunks.slice(0, -1).every((chunk) => chunk.usage === null),
        'usage: null on every chunk but the last',
      );
      assert.equal(chunks[0].choices[0].delta.content, null, 'tool-only answer starts with content null as recorded');
    });
  });

  test('vllm: first tool delta has no arguments key; finish chunk {content:""} + stop_reason; reasoning_content deltas', async () => {
    await withEmulator([{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, twoCalls], { flavor: 'vllm' }, async (_client, url) => {
      const { frames } = await rawStream(url, request);
      const recorded = await recordedFrames('vllm-tool-call.sse');
      assert.deepEqual(labels(frames), labels(recorded));
      const [ours, theirs] = [frames, recorded].map((list) => list.slice(0, -1).map((frame) => JSON.parse(frame)));
      const openingOf = (chunks: any[]) => chunks.find((chunk) => chunk.choices[0].delta.tool_calls).choices[0].delta.tool_calls[0];
      assert.deepEqual(Object.keys(openingOf(ours!)).sort(), Object.keys(openingOf(theirs!)).sort());
      assert.deepEqual(Object.keys(openingOf(ours!).function), ['name']);
      assert.match(openingOf(ours!).id, /^chatcmpl-tool-/);
      assert.deepEqual(ours!.at(-1).choices[0], { ...theirs!.at(-1).choices[0], finish_reason: 'tool_calls' });
      const reasoning = (await rawStream(url, request)).frames
        .slice(0, -1)
        .map((frame) => JSON.parse(frame).choices[0].delta.reasoning_content ?? '')
        .join('');
      assert.equal(reasoning, 'I should call both tools.');
    });
  });

  test('ollama: role on every delta, each call whole in one chunk without id, `reasoning` deltas', async () => {
    await withEmulator([{ toolCalls: twoCalls.toolCalls! }, twoCalls], { flavor: 'ollama' }, async (_client, url) => {
      const { frames } = await rawStream(url, request);
      const recorded = (await recordedFrames('ollama-parallel-tool-calls.sse')).map((frame) => JSON.parse(frame));
      const ours = frames.slice(0, -1).map((frame) => JSON.parse(frame));
      assert.equal(ours.length, recorded.length);
      ours.forEach((chunk, index) => {
        const { id: _recordedId, ...recordedCall } = recorded[index].choices[0].delta.tool_calls?.[0] ?? {};
        assert.deepEqual(Object.keys(chunk.choices[0]).sort(), Object.keys(recorded[index].choices[0]).sort());
        assert.deepEqual(Object.keys(chunk.choices[0].delta.tool_calls?.[0] ?? {}).sort(), Object.keys(recordedCall).sort());
        assert.equal(chunk.choices[0].delta.role, 'assistant');
      });
      assert.deepEqual(JSON.parse(ours[0].choices[0].delta.tool_calls[0].function.arguments), { city: 'Paris' });
      const reasoning = (await rawStream(url, request)).frames
        .slice(0, -1)
        .map((frame) => JSON.parse(frame).choices[0].delta.reasoning ?? '')
        .join('');
      assert.equal(reasoning, 'I should call both tools.');
    });
  });

  test("stop 'length': finish_reason length like the recording; OpenAI cuts the JSON, Ollama drops the cut call", async () => {
    const cut: Scenario = { text: '{"', stop: 'length', usage: { input: 79, output: 1 } };
    const cutCall: Scenario = { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris, France, Europe, Earth' } }], stop: 'length' };
    await withEmulator([cut, cutCall], { flavor: 'openai' }, async (_client, url) => {
      const { frames } = await rawStream(url, { ...request, stream_options: { include_usage: true } });
      assert.deepEqual(labels(frames), labels(await recordedFrames('finish-length-include-usage.sse')));
      assert.deepEqual(JSON.parse(frames.at(-2)!).usage.prompt_tokens, 79);
      const args = (await rawStream(url, request)).frames
        .slice(0, -1)
        .map((frame) => JSON.parse(frame).choices[0].delta.tool_calls?.[0]?.function?.arguments ?? '')
        .join('');
      assert.throws(() => JSON.parse(args));
    });
    await withEmulator([cutCall], { flavor: 'ollama' }, async (_client, url) => {
      assert.deepEqual(labels((await rawStream(url, request)).frames), ['finish:length', 'done']);
    });
  });

  test('no usage chunk without include_usage; midStreamError ends with a data error object and no [DONE]', async () => {
    const failing: Scenario = {
      text: 'partial answer goes here',
      midStreamError: { afterEvents: 2, type: 'server_error', code: 'server_is_overloaded', message: 'Overloaded' },
    };
    await withEmulator([{ text: 'hi' }, failing], { flavor: 'vllm' }, async (_client, url) => {
      assert.ok(!labels((await rawStream(url, request)).frames).includes('usage'));
      const { text, frames } = await rawStream(url, request);
      assert.equal(frames.length, 3);
      assert.deepEqual(JSON.parse(frames.at(-1)!), { error: { message: 'Overloaded', type: 'server_error', param: null, code: 'server_is_overloaded' } });
      assert.ok(!text.includes('[DONE]'));
    });
  });
});

describe('the official openai SDK consumes every flavor', () => {
  for (const flavor of flavors) {
    test(`${flavor}: create({stream:true}) chunks and .stream().finalChatCompletion() give the scripted text and calls`, async () => {
      await withEmulator(
        () => twoCalls,
        { flavor },
        async (client) => {
          const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
          let content = '';
          const calls: Array<{ name: string; arguments: string }> = [];
          let usage;
          for await (const chunk of stream) {
            if (chunk.usage) usage = chunk.usage;
            const delta = chunk.choices[0]?.delta;
            content += delta?.content ?? '';
            for (const call of delta?.tool_calls ?? []) {
              calls[call.index] ??= { name: '', arguments: '' };
              calls[call.index]!.name += call.function?.name ?? '';
              calls[call.index]!.arguments += call.function?.arguments ?? '';
            }
          }
          assert.equal(content, 'Checking both.');
          assert.deepEqual(
            calls.map((call) => [call.name, JSON.parse(call.arguments)]),
            [
              ['get_weather', { city: 'Paris' }],
              ['get_time', { city: 'Paris', zone: 'CET' }],
            ],
          );
          assert.ok(usage && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens);

          const final = await client.chat.completions.stream({ ...request, stream: true }).finalChatCompletion();
          const message = final.choices[0]!.message;
          assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
          assert.equal(message.content, 'Checking both.');
          assert.deepEqual(
            message.tool_calls!.map((call: any) => [call.function.name, JSON.parse(call.function.arguments)]),
            calls.map((call) => [call.name, JSON.parse(call.arguments)]),
          );
          // Ollama sends no ids; the SDK synthesises call_<uuid> ones, which the next request must be able to use.
          assert.ok(message.tool_calls!.every((call) => /^(call_|chatcmpl-tool-)/.test(call.id)));
        },
      );
    });
  }

  test('non-streaming answers are chat.completion objects (Ollama keeps ids there, as recorded)', async () => {
    for (const flavor of flavors) {
      await withEmulator([twoCalls], { flavor }, async (client) => {
        const completion = await client.chat.completions.create(request);
        assert.equal(completion.object, 'chat.completion');
        assert.equal(completion.choices[0]!.finish_reason, 'tool_calls');
        assert.equal(completion.choices[0]!.message.tool_calls!.length, 2);
        assert.ok(completion.choices[0]!.message.tool_calls!.every((call) => typeof call.id === 'string'));
        const reasoningField = { openai: undefined, vllm: 'reasoning_content', ollama: 'reasoning' }[flavor];
        const reasoning = reasoningField ? (completion.choices[0]!.message as any)[reasoningField] : undefined;
        assert.equal(reasoning, reasoningField ? 'I should call both tools.' : undefined);
      });
    }
  });

  test('scripted errors and mid-stream failures surface as SDK APIErrors with status and headers', async () => {
    const respond: Scenario[] = [
      { error: { status: 429, headers: { 'retry-after': '7' } } },
      { error: { status: 503, code: 'server_is_overloaded', message: 'Slow down' } },
      { text: 'abc def', midStreamError: { afterEvents: 1, type: 'server_error', message: 'upstream died' } },
    ];
    await withEmulator(respond, { flavor: 'openai' }, async (client) => {
      const limited = await client.chat.completions.create(request).catch((error) => error);
      assert.ok(limited instanceof OpenAI.RateLimitError);
      assert.equal(limited.headers.get('retry-after'), '7');
      assert.equal(limited.code, 'rate_limit_exceeded');
      const overloaded = await client.chat.completions.create(request).catch((error) => error);
      assert.equal(overloaded.status, 503);
      assert.equal(overloaded.code, 'server_is_overloaded');
      const broken = await (async () => {
        for await (const _chunk of await client.chat.completions.create({ ...request, stream: true })) {
          // drain until the in-band error throws
        }
      })().catch((error) => error);
      assert.ok(broken instanceof OpenAI.APIError);
      assert.match(broken.message, /upstream died/);
    });
  });

  test('undeclared tools and an empty queue fail loudly with 500', async () => {
    await withEmulator([{ toolCalls: [{ name: 'ghost', arguments: {} }] }], { flavor: 'vllm' }, async (_client, url) => {
      const ghost = await postJson(`${url}/chat/completions`, request, auth);
      assert.equal(ghost.status, 500);
      assert.match(ghost.json.error.message, /tool 'ghost' that the request did not declare/);
      const empty = await postJson(`${url}/chat/completions`, request, auth);
      assert.equal(empty.status, 500);
      assert.match(empty.json.error.message, /no scripted scenario left/);
    });
  });
});
