// Proves the Responses emulator's output is SDK-correct (the official openai SDK stream helper
// accumulates it) and framed like the recorded OpenAI streams in test/fixtures/providers/openai-responses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { postJson } from './post-json.ts';
import { collapseRuns, readSseFrames } from './read-sse-frames.ts';
import { startResponsesEmulator } from './responses-emulator.ts';
import type { Scenario } from './scenario.ts';
import { providerFixtureText } from '../support/provider-fixtures.ts';

const shellTool = { type: 'function' as const, name: 'shell', parameters: { type: 'object', properties: {} }, strict: false };

async function withEmulator<T>(respond: Scenario[], run: (client: OpenAI, url: string) => Promise<T>): Promise<T> {
  const emulator = await startResponsesEmulator({ respond });
  try {
    return await run(new OpenAI({ apiKey: 'sk-upstream-test', baseURL: emulator.url, maxRetries: 0 }), emulator.url);
  } finally {
    await emulator.close();
  }
}

async function fixtureFrames(name: string): Promise<Array<Record<string, any>>> {
  const text = providerFixtureText('openai-responses', name);
  if (name.endsWith('.jsonl'))
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  return readSseFrames(text).map((frame) => JSON.parse(frame.data));
}

async function rawStream(url: string, body: Record<string, unknown>): Promise<Array<{ event: string | undefined; data: any }>> {
  const result = await postJson(`${url}/responses`, { ...body, stream: true }, { authorization: 'Bearer sk-upstream-test' });
  assert.equal(result.status, 200, result.text);
  assert.match(result.headers.get('content-type') ?? '', /^text\/event-stream/);
  return readSseFrames(result.text).map((frame) => ({ event: frame.event, data: JSON.parse(frame.data) }));
}

describe('Responses emulator streams', () => {
  test('text answer: SDK stream accumulates it; event order matches the recorded text stream', async () => {
    await withEmulator([{ text: 'The capital of France is Paris.' }, { text: 'The capital of France is Paris.' }], async (client, url) => {
      const stream = client.responses.stream({ model: 'gpt-4o', input: 'capital?' });
      const deltas: string[] = [];
      stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      assert.equal(final.output_text, 'The capital of France is Paris.');
      assert.ok(deltas.length > 1, 'text arrives in several deltas');

      const frames = await rawStream(url, { model: 'gpt-4o', input: 'capital?' });
      const recorded = await fixtureFrames('text-after-function-output.sse');
      assert.deepEqual(collapseRuns(frames.map((frame) => frame.data.type)), collapseRuns(recorded.map((event) => event.type)));
      frames.forEach((frame, index) => {
        assert.equal(frame.event, frame.data.type, '`event:` line equals data.type');
        assert.equal(frame.data.sequence_number, index, 'sequence_number counts from 0');
      });
    });
  });

  test('every event carries at least the fields of the recorded gpt-5.1 events', async () => {
    await withEmulator(
      [{ reasoning: { text: 'Plan the calculation.' }, text: 'The result is 570.', toolCalls: [{ name: 'shell', arguments: { a: 1 } }] }],
      async (_client, url) => {
        const frames = await rawStream(url, {
          model: 'gpt-5',
          input: 'go',
          tools: [shellTool],
          reasoning: { summary: 'auto' },
          include: ['reasoning.encrypted_content'],
        });
        const recorded = await fixtureFrames('reasoning-summary-encrypted-multiturn.jsonl');
        const recordedKeys = new Map<string, Set<string>>();
        for (const event of recorded) recordedKeys.set(`${event.type}/${event.item?.type ?? ''}`, new Set(Object.keys(event)));
        let compared = 0;
        for (const { data } of frames) {
          const expected = recordedKeys.get(`${data.type}/${data.item?.type ?? ''}`);
          if (!expected) continue;
          compared++;
          for (const key of expected) assert.ok(key in data, `${data.type} lacks recorded field ${key}`);
          if (data.item) {
            const recordedItem = recorded.find((event) => event.type === data.type && event.item?.type === data.item.type)?.item;
            assert.deepEqual(Object.keys(data.item).sort(), Object.keys(recordedItem).sort(), `${data.type} ${data.item.type} item fields`);
          }
        }
        assert.ok(compared >= 15, `compared ${compared} events`);
      },
    );
  });

  test('reasoning without summary then a function call: same event order as the recorded gpt-5 stream', async () => {
    await withEmulator([{ reasoning: { text: 'hidden' }, toolCalls: [{ name: 'shell', arguments: { result: 6666 } }] }], async (_client, url) => {
      const frames = await rawStream(url, { model: 'gpt-5', input: 'go', tools: [shellTool], include: ['reasoning.encrypted_content'] });
      const recorded = await fixtureFrames('reasoning-encrypted-then-function-call.sse');
      assert.deepEqual(collapseRuns(frames.map((frame) => frame.data.type)), collapseRuns(recorded.map((event) => event.type)));
      const done = frames.find((frame) => frame.data.type === 'response.output_item.done' && frame.data.item.type === 'reasoning');
      assert.deepEqual(done?.data.item.summary, []);
      assert.match(done?.data.item.encrypted_content, /^gAAAA/);
    });
  });

  test('SDK sees reasoning summary, text and function call with parsed arguments', async () => {
    await withEmulator(
      [
        {
          reasoning: { text: '**Plan**\n\nlist files' },
          text: 'Listing.',
          toolCalls: [{ name: 'shell', arguments: { cmd: ['ls', '-la'] } }],
          usage: { input: 120, output: 40, cached: 100, reasoning: 25 },
        },
      ],
      async (client) => {
        const final = await client.responses
          .stream({ model: 'gpt-5', input: 'ls', tools: [shellTool], reasoning: { summary: 'auto', effort: 'low' } })
          .finalResponse();
        assert.deepEqual(
          final.output.map((item) => item.type),
          ['reasoning', 'message', 'function_call'],
        );
        const [reasoning, , call] = final.output;
        assert.equal(reasoning?.type === 'reasoning' && reasoning.summary[0]?.text, '**Plan**\n\nlist files');
        assert.equal(reasoning?.type === 'reasoning' && reasoning.encrypted_content, undefined);
        assert.ok(call?.type === 'function_call');
        assert.deepEqual(JSON.parse(call.arguments), { cmd: ['ls', '-la'] });
        assert.match(call.call_id, /^call_/);
        assert.match(call.id ?? '', /^fc_/);
        assert.deepEqual(final.usage, {
          input_tokens: 120,
          input_tokens_details: { cached_tokens: 100 },
          output_tokens: 40,
          output_tokens_details: { reasoning_tokens: 25 },
          total_tokens: 160,
        });
      },
    );
  });

  test('a custom tool gets a custom_tool_call with input deltas; a namespaced tool carries namespace', async () => {
    const tools = [
      { type: 'custom', name: 'apply_patch', format: { type: 'text' } },
      { type: 'namespace', name: 'multi_agent_v1', description: 'agents', tools: [shellTool] },
    ];
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch';
    await withEmulator(
      [
        {
          toolCalls: [
            { name: 'apply_patch', arguments: patch },
            { name: 'multi_agent_v1.shell', arguments: {} },
          ],
        },
      ],
      async (_client, url) => {
        const frames = await rawStream(url, { model: 'gpt-5', input: 'edit', tools });
        const types = frames.map((frame) => frame.data.type);
        assert.ok(types.includes('response.custom_tool_call_input.delta'));
        assert.ok(types.includes('response.custom_tool_call_input.done'));
        const completed = frames.at(-1)?.data;
        assert.equal(completed.type, 'response.completed');
        const [custom, namespaced] = completed.response.output;
        assert.equal(custom.type, 'custom_tool_call');
        assert.equal(custom.input, patch);
        assert.match(custom.id, /^ctc_/);
        assert.equal(namespaced.type, 'function_call');
        assert.equal(namespaced.name, 'shell');
        assert.equal(namespaced.namespace, 'multi_agent_v1');
        const recorded = await fixtureFrames('custom-tool-call-freeform.jsonl');
        const recordedDelta = recorded.find((event) => event.type === 'response.custom_tool_call_input.delta');
        const delta = frames.find((frame) => frame.data.type === 'response.custom_tool_call_input.delta')?.data;
        assert.deepEqual(Object.keys(delta).sort(), Object.keys(recordedDelta ?? {}).sort());
      },
    );
  });

  test("stop 'length' ends with response.incomplete / max_output_tokens", async () => {
    await withEmulator([{ text: 'cut here', stop: 'length' }], async (client) => {
      const final = await client.responses.stream({ model: 'gpt-5', input: 'long' }).finalResponse();
      assert.equal(final.status, 'incomplete');
      assert.deepEqual(final.incomplete_details, { reason: 'max_output_tokens' });
      assert.equal(final.output[0]?.type === 'message' && final.output[0].status, 'incomplete');
    });
  });

  test('midStreamError: nested error event then response.failed, never completed; SDK throws', async () => {
    const failure = {
      midStreamError: { afterEvents: 4, type: 'server_error', code: 'server_is_overloaded', message: 'Overloaded, try again.' },
      text: 'partial answer here',
    };
    await withEmulator([failure, failure], async (client, url) => {
      const frames = await rawStream(url, { model: 'gpt-5', input: 'x' });
      const types = frames.map((frame) => frame.data.type);
      assert.deepEqual(types.slice(-2), ['error', 'response.failed']);
      assert.equal(types.length, 6);
      assert.ok(!types.includes('response.completed'));
      const recorded = await fixtureFrames('error-event-then-failed.jsonl');
      const recordedError = recorded.find((event) => event.type === 'error');
      const error = frames.at(-2)?.data;
      assert.deepEqual(Object.keys(error.error).sort(), Object.keys(recordedError?.error).sort());
      assert.deepEqual(frames.at(-1)?.data.response.error, { code: 'server_is_overloaded', message: 'Overloaded, try again.' });
      assert.equal(frames.at(-1)?.data.response.status, 'failed');
      await assert.rejects(client.responses.stream({ model: 'gpt-5', input: 'x' }).finalResponse(), /Overloaded, try again\./);
    });
  });

  test('scenario.error: 429 with retry-after and OpenAI error body, surfaced by the SDK', async () => {
    await withEmulator(
      [{ error: { status: 429, message: 'Rate limit reached. Please try again in 7s.', headers: { 'retry-after': '7' } } }],
      async (client) => {
        const error = await client.responses.create({ model: 'gpt-5', input: 'x' }).then(
          () => assert.fail('expected a 429'),
          (caught: unknown) => caught,
        );
        assert.ok(error instanceof OpenAI.RateLimitError);
        assert.equal(error.status, 429);
        assert.equal(error.headers.get('retry-after'), '7');
        assert.equal(error.code, 'rate_limit_exceeded');
        assert.match(error.message, /try again in 7s/);
      },
    );
  });

  test('non-streaming create returns the Response object and the request is recorded', async () => {
    const emulator = await startResponsesEmulator({ respond: [{ text: 'non-stream hello' }] });
    try {
      const client = new OpenAI({ apiKey: 'sk-upstream-test', baseURL: emulator.url, maxRetries: 0 });
      const response = await client.responses.create({ model: 'gpt-5', input: 'hi', stream: false, instructions: 'Be brief.' });
      assert.equal(response.output_text, 'non-stream hello');
      assert.equal(response.status, 'completed');
      assert.equal(response.instructions, 'Be brief.');
      assert.equal(emulator.requests.length, 1);
      assert.equal(emulator.requests[0]?.headers.authorization, 'Bearer sk-upstream-test');
      assert.equal(emulator.requests[0]?.body.instructions, 'Be brief.');
    } finally {
      await emulator.close();
    }
  });

  test('an exhausted queue answers 500 instead of hanging', async () => {
    await withEmulator([], async (client) => {
      await assert.rejects(client.responses.create({ model: 'gpt-5', input: 'x' }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.InternalServerError);
        assert.match(error.message, /no scripted scenario left/);
        return true;
      });
    });
  });
});
