// Proves the Anthropic emulator streams the recorded Messages SSE framing (event order, pings,
// signature_delta before stop, input_json_delta starting with ""), that the thinking it signs
// survives a faithful replay and nothing else, and that errors use Anthropic's shapes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicEmulator, type AnthropicEmulatorOptions } from './anthropic-emulator.ts';
import { postJson } from './post-json.ts';
import { collapseRuns, readSseFrames } from './read-sse-frames.ts';
import type { Scenario } from './scenario.ts';
import { providerFixtureText } from '../support/provider-fixtures.ts';

const headers = { 'x-api-key': 'sk-ant-upstream-test', 'anthropic-version': '2023-06-01' };
const weather = { name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } };
const user = { role: 'user', content: 'Weather in Paris?' };
const request = (extra: Record<string, unknown> = {}) => ({ model: 'claude-sonnet-4-5', max_tokens: 4096, stream: true, messages: [user], ...extra });

type Frame = { event: string | undefined; raw: string; data: any };

async function withEmulator<T>(respond: Scenario[], run: (url: string) => Promise<T>, options: Partial<AnthropicEmulatorOptions> = {}): Promise<T> {
  const emulator = await startAnthropicEmulator({ respond, ...options });
  try {
    return await run(`${emulator.url}/v1/messages`);
  } finally {
    await emulator.close();
  }
}

async function stream(url: string, body: Record<string, unknown>): Promise<Frame[]> {
  const result = await postJson(url, body, headers);
  assert.equal(result.status, 200, result.text);
  assert.match(result.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.match(result.headers.get('request-id') ?? '', /^req_/);
  return readSseFrames(result.text).map((frame) => ({ event: frame.event, raw: frame.data, data: JSON.parse(frame.data) }));
}

async function recordedTypes(name: string): Promise<string[]> {
  const text = providerFixtureText('anthropic-messages', name);
  return collapseRuns(readSseFrames(text).map((frame) => frame.event ?? ''));
}

const types = (frames: Frame[]) => collapseRuns(frames.map((frame) => frame.data.type));

/** Rebuilds the assistant turn from the stream, the way a faithful client replays it. */
function assistantContent(frames: Frame[]): Array<Record<string, any>> {
  const blocks: Array<Record<string, any>> = [];
  const json: string[] = [];
  for (const { data } of frames) {
    if (data.type === 'content_block_start') {
      blocks[data.index] = { ...data.content_block };
      json[data.index] = '';
    }
    if (data.type !== 'content_block_delta') continue;
    const block = blocks[data.index]!;
    if (data.delta.type === 'text_delta') block.text += data.delta.text;
    if (data.delta.type === 'thinking_delta') block.thinking += data.delta.thinking;
    if (data.delta.type === 'signature_delta') block.signature = data.delta.signature;
    if (data.delta.type === 'input_json_delta') json[data.index] += data.delta.partial_json;
  }
  return blocks.map((block, index) => (block.type === 'tool_use' ? { ...block, input: JSON.parse(json[index] || '{}') } : block));
}

describe('Anthropic emulator streams', () => {
  test('text: same event order as the recorded stream, `event:` lines, a literal ping, padded JSON', async () => {
    await withEmulator([{ text: 'Hello there!' }], async (url) => {
      const frames = await stream(url, request());
      assert.deepEqual(types(frames), await recordedTypes('text.sse'));
      for (const frame of frames) assert.equal(frame.event, frame.data.type);
      assert.equal(frames.find((frame) => frame.event === 'ping')?.raw, '{"type": "ping"}');
      assert.equal(assistantContent(frames)[0]?.text, 'Hello there!');
      assert.ok(frames.every((frame) => frame.raw.endsWith('}')));
    });
  });

  test('text then tool_use: recorded order, input_json_delta starts with "", stop_reason tool_use', async () => {
    await withEmulator([{ text: "I'll check the weather.", toolCalls: [{ name: 'get_weather', arguments: { location: 'Paris' } }] }], async (url) => {
      const frames = await stream(url, request({ tools: [weather] }));
      assert.deepEqual(types(frames), await recordedTypes('tool-use-input-json-delta.sse'));
      const firstJsonDelta = frames.find((frame) => frame.data.delta?.type === 'input_json_delta');
      assert.equal(firstJsonDelta?.data.delta.partial_json, '');
      const toolBlock = assistantContent(frames)[1];
      assert.equal(toolBlock?.name, 'get_weather');
      assert.match(toolBlock?.id, /^toolu_01/);
      assert.deepEqual(toolBlock?.input, { location: 'Paris' });
      assert.equal(frames.find((frame) => frame.data.type === 'message_delta')?.data.delta.stop_reason, 'tool_use');
    });
  });

  test('thinking then text: recorded order and signature_delta right before the block stops', async () => {
    await withEmulator([{ reasoning: { text: 'This is a straightforward question.' }, text: 'Look both ways.' }], async (url) => {
      const frames = await stream(url, request({ thinking: { type: 'enabled', budget_tokens: 1024 } }));
      assert.deepEqual(types(frames), await recordedTypes('thinking-signature.sse'));
      const stopIndex = frames.findIndex((frame) => frame.data.type === 'content_block_stop' && frame.data.index === 0);
      assert.equal(frames[stopIndex - 1]?.data.delta.type, 'signature_delta');
      const [thinking] = assistantContent(frames);
      assert.equal(thinking?.thinking, 'This is a straightforward question.');
      assert.ok(thinking?.signature.length > 20);
    });
  });

  test('a real model does not think when thinking is off', async () => {
    await withEmulator([{ reasoning: { text: 'secret' }, text: 'answer' }], async (url) => {
      const content = assistantContent(await stream(url, request()));
      assert.deepEqual(
        content.map((block) => block.type),
        ['text'],
      );
    });
  });

  test('thinking tool loop: faithful replay passes; edited thinking or a missing block is rejected', async () => {
    const loop = [
      { reasoning: { text: 'I need the weather tool.' }, toolCalls: [{ name: 'get_weather', arguments: { location: 'Paris' } }] },
      { text: 'Sunny.' },
    ];
    await withEmulator(loop, async (url) => {
      const thinking = { thinking: { type: 'enabled', budget_tokens: 2048 } };
      const content = assistantContent(await stream(url, request({ ...thinking, tools: [weather] })));
      assert.deepEqual(
        content.map((block) => block.type),
        ['thinking', 'tool_use'],
      );
      const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: content[1]?.id, content: 'sunny' }] };
      const followUp = (assistant: Array<Record<string, any>>) =>
        request({ ...thinking, tools: [weather], stream: false, messages: [user, { role: 'assistant', content: assistant }, result] });

      const edited = await postJson(url, followUp([{ ...content[0], thinking: 'I need the weather tool!' }, content[1]!]), headers);
      assert.equal(edited.status, 400);
      assert.match(edited.json.error.message, /Invalid `signature` in `thinking` block/);
      const dropped = await postJson(url, followUp([content[1]!]), headers);
      assert.equal(dropped.status, 400);
      assert.match(dropped.json.error.message, /Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
      const faithful = await postJson(url, followUp(content), headers);
      assert.equal(faithful.status, 200, faithful.text);
      assert.equal(faithful.json.content[0].text, 'Sunny.');
    });
  });

  test('redacted_thinking and display "omitted" thinking verify on replay', async () => {
    const scenarios = [
      { reasoning: { text: 'hidden', redacted: true }, toolCalls: [{ name: 'get_weather', arguments: {} }] },
      { reasoning: { text: 'not shown' }, toolCalls: [{ name: 'get_weather', arguments: {} }] },
      { text: 'a' },
      { text: 'b' },
    ];
    await withEmulator(scenarios, async (url) => {
      const redacted = assistantContent(await stream(url, request({ thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [weather] })));
      assert.equal(redacted[0]?.type, 'redacted_thinking');
      assert.ok(redacted[0]?.data.length > 20);
      const omittedFrames = await stream(url, request({ thinking: { type: 'adaptive', display: 'omitted' }, tools: [weather] }));
      assert.ok(!omittedFrames.some((frame) => frame.data.delta?.type === 'thinking_delta'));
      const omitted = assistantContent(omittedFrames);
      assert.equal(omitted[0]?.thinking, '');
      for (const [content, thinking] of [
        [redacted, { type: 'enabled', budget_tokens: 1024 }],
        [omitted, { type: 'adaptive' }],
      ] as const) {
        const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: content[1]?.id, content: 'ok' }] };
        const replay = await postJson(url, request({ thinking, tools: [weather], messages: [user, { role: 'assistant', content }, result] }), headers);
        assert.equal(replay.status, 200, replay.text);
      }
    });
  });

  test('usage: input_tokens exclude cache reads; output_tokens from the scenario', async () => {
    await withEmulator([{ text: 'x', usage: { input: 100, cached: 60, output: 20 } }], async (url) => {
      const frames = await stream(url, request());
      const start = frames[0]?.data.message.usage;
      assert.equal(start.input_tokens, 40);
      assert.equal(start.cache_read_input_tokens, 60);
      assert.equal(start.cache_creation_input_tokens, 0);
      assert.equal(frames.find((frame) => frame.data.type === 'message_delta')?.data.usage.output_tokens, 20);
    });
  });

  test("stop 'length' inside a tool call: max_tokens, JSON cut off, block never closed", async () => {
    await withEmulator([{ toolCalls: [{ name: 'get_weather', arguments: { location: 'Paris, France, Europe' } }], stop: 'length' }], async (url) => {
      const frames = await stream(url, request({ tools: [weather] }));
      assert.equal(frames.find((frame) => frame.data.type === 'message_delta')?.data.delta.stop_reason, 'max_tokens');
      assert.ok(!frames.some((frame) => frame.data.type === 'content_block_stop'));
      const json = frames
        .filter((frame) => frame.data.delta?.type === 'input_json_delta')
        .map((frame) => frame.data.delta.partial_json)
        .join('');
      assert.throws(() => JSON.parse(json));
    });
  });

  test('midStreamError: `event: error` with the recorded payload, then the stream ends without message_stop', async () => {
    await withEmulator([{ text: 'partial text here', midStreamError: { afterEvents: 3, type: 'overloaded_error', message: 'Overloaded' } }], async (url) => {
      const frames = await stream(url, request());
      assert.equal(frames.length, 4);
      const recorded = readSseFrames(providerFixtureText('anthropic-messages', 'error-overloaded-midstream.sse'));
      assert.equal(frames.at(-1)?.event, 'error');
      assert.deepEqual(frames.at(-1)?.data, JSON.parse(recorded[0]!.data));
      assert.ok(!frames.some((frame) => frame.data.type === 'message_stop'));
    });
  });

  test('scripted 529 and 429 use Anthropic error types, request-id and retry-after', async () => {
    await withEmulator([{ error: { status: 529 } }, { error: { status: 429, headers: { 'retry-after': '12' } } }], async (url) => {
      const overloaded = await postJson(url, request(), headers);
      assert.equal(overloaded.status, 529);
      assert.deepEqual(overloaded.json.error, { type: 'overloaded_error', message: 'Overloaded' });
      assert.equal(overloaded.headers.get('request-id'), overloaded.json.request_id);
      const limited = await postJson(url, request(), headers);
      assert.equal(limited.status, 429);
      assert.equal(limited.json.error.type, 'rate_limit_error');
      assert.equal(limited.headers.get('retry-after'), '12');
    });
  });

  test('non-streaming answer is a Message with thinking, text and tool_use blocks', async () => {
    await withEmulator(
      [{ reasoning: { text: 'plan' }, text: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { location: 'Oslo' } }] }],
      async (url) => {
        const result = await postJson(url, request({ stream: false, tools: [weather], thinking: { type: 'enabled', budget_tokens: 1024 } }), headers);
        assert.equal(result.status, 200);
        assert.equal(result.json.type, 'message');
        assert.match(result.json.id, /^msg_01/);
        assert.equal(result.json.stop_reason, 'tool_use');
        assert.deepEqual(
          result.json.content.map((block: any) => block.type),
          ['thinking', 'text', 'tool_use'],
        );
        assert.deepEqual(result.json.content[2].input, { location: 'Oslo' });
      },
    );
  });

  test('undeclared tools and an empty queue fail loudly with 500 api_error; padJson:false writes plain JSON', async () => {
    await withEmulator(
      [{ toolCalls: [{ name: 'ghost', arguments: {} }] }, { text: 'plain' }],
      async (url) => {
        const ghost = await postJson(url, request({ stream: false }), headers);
        assert.equal(ghost.status, 500);
        assert.match(ghost.json.error.message, /tool 'ghost' that the request did not declare/);
        const plain = await stream(url, request());
        assert.ok(plain.every((frame) => frame.raw === JSON.stringify(frame.data) || frame.data.type === 'ping'));
        const empty = await postJson(url, request(), headers);
        assert.equal(empty.status, 500);
        assert.equal(empty.json.error.type, 'api_error');
      },
      { padJson: false },
    );
  });
});
