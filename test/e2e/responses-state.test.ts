import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { schemaCheckedFetch } from '../support/openai-schema-fetch.ts';
import { assertMatchesOpenAiSchema } from '../support/openai-schema.ts';

const aliceKey = 'sk-state-alice-01';
const bobKey = 'sk-state-bob-0001';
let emulator: AnthropicEmulator;
let gateway: TestGateway;
let script: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });
const oracle = schemaCheckedFetch();
afterEach(() => oracle.assertClean());

before(async () => {
  emulator = await startAnthropicEmulator({ respond: (request) => script(request) });
  gateway = await startTestGateway(`
providers:
  anthro:
    type: anthropic
    base_url: ${emulator.url}
    api_key: sk-ant-upstream-test
models:
  claude: { provider: anthro, model: claude-sonnet-4-5 }
keys:
  - { name: alice, key: ${aliceKey} }
  - { name: bob, key: ${bobKey} }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0, fetch: oracle.fetch });
const modelCalls = () => emulator.requests.filter((request) => request.url.startsWith('/v1/messages'));
type ApiError = InstanceType<typeof OpenAI.APIError>;

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city.',
  strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('previous_response_id and stored responses over HTTP on a Claude alias', () => {
  test('turn 2 sends only the tool output; Claude gets the whole history (thinking signature replayed) and the right answer comes back', async () => {
    script = (request) => {
      const results = request.body.messages.flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []));
      const result = results.find((block: { type: string }) => block.type === 'tool_result');
      return result
        ? { text: `It is ${String(result.content).includes('21') ? '21 degrees' : 'unknown'} in Paris.` }
        : { reasoning: { text: 'I should look the weather up.' }, toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
    };
    const alice = client(aliceKey);
    const first = await alice.responses.create({
      model: 'claude',
      input: 'What is the weather in Paris?',
      tools: [weatherTool],
      reasoning: { effort: 'medium' },
      include: ['reasoning.encrypted_content'],
      store: true,
    });
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    const before = modelCalls().length;
    const second = await alice.responses.create({
      model: 'claude',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temperature_c": 21}' }],
      tools: [weatherTool],
      reasoning: { effort: 'medium' },
      store: true,
    });
    assert.equal(second.output_text, 'It is 21 degrees in Paris.');
    const sent = modelCalls().slice(before)[0]!.body;
    assert.deepEqual(
      sent.messages.map((message: { role: string }) => message.role),
      ['user', 'assistant', 'user'],
    );
    assert.equal(sent.messages[0].content[0].text ?? sent.messages[0].content, 'What is the weather in Paris?');
    // The emulator checks the signature it issued; the thinking block came back first in the assistant turn.
    assert.equal(sent.messages[1].content[0].type, 'thinking');
    assert.equal(sent.messages[1].content[0].thinking, 'I should look the weather up.');
    assert.equal(sent.messages[2].content[0].type, 'tool_result');

    // The stored response reads back for its own key only.
    const fetched = await alice.responses.retrieve(second.id);
    assert.equal(fetched.id, second.id);
    assert.equal(fetched.output_text, 'It is 21 degrees in Paris.');

    const bob = client(bobKey);
    await assert.rejects(bob.responses.retrieve(second.id), (error: ApiError) => error.status === 404);
    await assert.rejects(bob.responses.delete(second.id), (error: ApiError) => error.status === 404);
    const calls = modelCalls().length;
    await assert.rejects(
      bob.responses.create({ model: 'claude', previous_response_id: second.id, input: 'And tomorrow?' }),
      (error: ApiError) => error.status === 404 && error.code === 'previous_response_not_found' && error.param === 'previous_response_id',
    );
    assert.equal(modelCalls().length, calls, 'a refused continuation never reaches the provider');
    const rows = await gateway.gateway.storage.logs.query({ key: 'bob', limit: 1 });
    assert.equal(rows[0]?.outcome, 'invalid_request', 'the refusal has its log row');

    // Deleted: gone for its owner too, and it can no longer be continued.
    await alice.responses.delete(second.id);
    await assert.rejects(alice.responses.retrieve(second.id), (error: ApiError) => error.status === 404);
    await assert.rejects(
      alice.responses.create({ model: 'claude', previous_response_id: second.id, input: 'And tomorrow?' }),
      (error: ApiError) => error.status === 404 && error.code === 'previous_response_not_found',
    );
  });

  test('store: false is not kept; a continuation of it is refused with OpenAI’s 404 that says why', async () => {
    script = () => ({ text: 'not kept' });
    const alice = client(aliceKey);
    const answer = await alice.responses.create({ model: 'claude', input: 'Hi', store: false });
    await assert.rejects(alice.responses.retrieve(answer.id), (error: ApiError) => error.status === 404);
    await assert.rejects(
      alice.responses.create({ model: 'claude', previous_response_id: answer.id, input: 'Again' }),
      (error: ApiError) => error.status === 404 && /not found/.test(error.message) && /store: true/.test(error.message),
    );
  });

  test('a streamed turn is stored too and continues; instructions are not carried over', async () => {
    script = (request) => ({ text: `seen ${request.body.messages.length} messages, system ${request.body.system ? 'set' : 'unset'}` });
    const alice = client(aliceKey);
    const stream = alice.responses.stream({ model: 'claude', input: 'one', instructions: 'Be brief.' });
    const first = await stream.finalResponse();
    assert.equal(first.output_text, 'seen 1 messages, system set');
    const second = await alice.responses.create({ model: 'claude', previous_response_id: first.id, input: 'two' });
    assert.equal(second.output_text, 'seen 3 messages, system unset');
  });

  test('POST /v1/responses/compact summarizes on the target model and answers OpenAI’s shape', async () => {
    script = (request) => {
      const last = request.body.messages.at(-1);
      const text = JSON.stringify(last.content);
      return text.includes('CONTEXT CHECKPOINT COMPACTION')
        ? { text: 'Goal: greet. Done: said hi.', usage: { input: 120, output: 9 } }
        : { text: 'unexpected' };
    };
    const alice = client(aliceKey);
    const compacted = await alice.responses.compact({
      model: 'claude',
      input: [
        { role: 'user', content: 'Say hi' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi!', annotations: [] }] },
      ],
    } as never);
    const body = compacted as unknown as { object: string; output: Array<{ role: string; content: unknown }>; usage: { input_tokens: number } };
    assertMatchesOpenAiSchema('CompactResource', compacted);
    assert.equal(body.object, 'response.compaction');
    assert.equal(body.output.length, 2);
    assert.equal(body.output[0]!.role, 'user');
    assert.match(JSON.stringify(body.output[1]!.content), /Goal: greet\. Done: said hi\./);
    assert.equal(body.usage.input_tokens, 120);
    const rows = await gateway.gateway.storage.logs.query({ key: 'alice', limit: 1 });
    assert.equal(rows[0]?.outcome, 'ok', 'the summarization call has its own log row');
    const anonymous = await fetch(`${gateway.url}/v1/responses/compact`, { method: 'POST', body: JSON.stringify({ model: 'claude', input: 'x' }) });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
    assert.equal(rows[0]?.inputTokens, 120);
  });
});
