import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import type { Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { checkOpenAiBody, schemaCheckedFetch } from '../support/openai-schema-fetch.ts';

const scenarios: Scenario[] = [];
let emulator: AnthropicEmulator;
let gateway: TestGateway;
let client: OpenAI;
// Every body the SDK gets is checked against OpenAI's published schema first.
const oracle = schemaCheckedFetch();
afterEach(() => oracle.assertClean());

before(async () => {
  emulator = await startAnthropicEmulator({ respond: () => scenarios.shift() ?? { text: 'default' } });
  gateway = await startTestGateway(`
providers:
  anthro:
    type: anthropic
    base_url: ${emulator.url}
    api_key: sk-ant-upstream-test
models:
  claude: { provider: anthro, model: claude-sonnet-4-5 }
routing:
  retry: { max_attempts: 1 }
`);
  client = new OpenAI({ apiKey: 'unused-locally', baseURL: `${gateway.url}/v1`, maxRetries: 0, fetch: oracle.fetch });
});

after(async () => {
  assert.ok(oracle.checked >= 6, `the schema oracle saw ${oracle.checked} bodies`);
  await gateway.close();
  await emulator.close();
});

const last = () => emulator.requests.at(-1)!;
type ApiError = InstanceType<typeof OpenAI.APIError>;

describe('OpenAI Responses clients on an Anthropic provider', () => {
  test('responses.stream() consumes the translated stream; final response matches the emulator', async () => {
    scenarios.push({ reasoning: { text: 'Thinking about greetings.' }, text: 'Hello from Claude!', usage: { input: 300, output: 25, cached: 100 } });
    const stream = client.responses.stream({
      model: 'claude',
      input: 'Say hello',
      reasoning: { effort: 'medium', summary: 'auto' },
      instructions: 'Be brief.',
    });
    const summary: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (event) => summary.push(event.delta));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, 'Hello from Claude!');
    assert.equal(final.model, 'claude', 'the client sees the model it asked for');
    assert.equal(summary.join(''), 'Thinking about greetings.');
    const reasoning = final.output.find((item) => item.type === 'reasoning');
    assert.ok(reasoning && reasoning.type === 'reasoning');
    assert.match(reasoning.encrypted_content ?? '', /^sy1\./, 'Anthropic thinking travels in an envelope');
    assert.deepEqual(
      final.usage && [final.usage.input_tokens, final.usage.input_tokens_details.cached_tokens, final.usage.output_tokens, final.usage.total_tokens],
      [300, 100, 25, 325],
    );
    assert.equal(last().body.system[0].text, 'Be brief.');
    assert.equal(last().headers['x-api-key'], 'sk-ant-upstream-test');
    assert.equal(last().headers['authorization'], undefined);
  });

  test('a previous_response_id the gateway does not hold: OpenAI’s 404 naming it, before any upstream call (never dropped)', async () => {
    const before = emulator.requests.length;
    await assert.rejects(client.responses.create({ model: 'claude', input: 'again', previous_response_id: 'resp_earlier' }), (error: ApiError) => {
      assert.equal(error.status, 404);
      assert.equal(error.code, 'previous_response_not_found');
      assert.equal(error.param, 'previous_response_id');
      return true;
    });
    assert.equal(emulator.requests.length, before);
  });

  test('non-streaming create gives the same content as one Response object', async () => {
    scenarios.push({ text: 'Unary hello', usage: { input: 10, output: 3 } });
    const response = await client.responses.create({ model: 'claude', input: 'hi' });
    assert.equal(response.output_text, 'Unary hello');
    assert.equal(response.status, 'completed');
    assert.equal(response.usage?.output_tokens, 3);
    assert.equal(last().body.stream ?? false, false);
  });

  test('a function tool call comes back as a function_call item with JSON arguments', async () => {
    scenarios.push({ toolCalls: [{ name: 'lookup', arguments: { q: 'switchyard' } }] });
    const final = await client.responses
      .stream({
        model: 'claude',
        input: 'look it up',
        tools: [{ type: 'function', name: 'lookup', strict: false, parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
      })
      .finalResponse();
    const call = final.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.name, 'lookup');
    assert.deepEqual(JSON.parse(call.arguments), { q: 'switchyard' });
    assert.match(call.call_id, /^toolu_/);
  });

  test('max_tokens ends as response.incomplete with max_output_tokens', async () => {
    scenarios.push({ text: 'This answer is cut', stop: 'length' });
    const final = await client.responses.stream({ model: 'claude', input: 'long please', max_output_tokens: 50 }).finalResponse();
    assert.equal(final.status, 'incomplete');
    assert.equal(final.incomplete_details?.reason, 'max_output_tokens');
    assert.equal(last().body.max_tokens, 50);
  });

  test('errors before the stream: 529 → 503 server_is_overloaded, 429 keeps retry-after, 400 stays 400', async () => {
    scenarios.push({ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
    await assert.rejects(
      client.responses.create({ model: 'claude', input: 'x' }),
      (error: ApiError) => error.status === 503 && error.code === 'server_is_overloaded',
    );
    scenarios.push({ error: { status: 429, type: 'rate_limit_error', message: 'slow down', headers: { 'retry-after': '12' } } });
    await assert.rejects(client.responses.create({ model: 'claude', input: 'x' }), (error: ApiError) => {
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.equal(error.headers?.get('retry-after'), '12');
      assert.match(error.message, /try again in 12s/);
      return true;
    });
    scenarios.push({ error: { status: 400, type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } });
    await assert.rejects(
      client.responses.create({ model: 'claude', input: 'x' }),
      (error: ApiError) => error.status === 400 && error.code === 'context_length_exceeded',
    );
  });

  test('an error after the first byte becomes response.failed with server_is_overloaded', async () => {
    scenarios.push({ text: 'partial answer that will break', midStreamError: { afterEvents: 4, type: 'overloaded_error', message: 'Overloaded' } });
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', input: 'x', stream: true }),
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    checkOpenAiBody('/v1/responses', response.status, response.headers.get('content-type') ?? '', text);
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    assert.equal(events[0], 'response.created');
    assert.equal(events.at(-1), 'response.failed');
    assert.ok(!events.includes('response.completed'));
    const failed = JSON.parse(text.trim().split('\n').at(-1)!.slice('data: '.length));
    assert.equal(failed.response.error.code, 'server_is_overloaded');
    const [row] = await gateway.gateway.storage.logs.query({ limit: 1 });
    assert.equal(row?.outcome, 'upstream_error');
  });

  test('hosted tools Anthropic cannot run are dropped with a warning, never a 400', async () => {
    scenarios.push({ text: 'ok' });
    const { response } = await client.responses
      .create({
        model: 'claude',
        input: 'hi',
        tools: [{ type: 'image_generation' } as never, { type: 'function', name: 'f', strict: false, parameters: { type: 'object', properties: {} } }],
      })
      .withResponse();
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-switchyard-warnings') ?? '', /tool/);
    assert.deepEqual(
      last().body.tools.map((tool: { name: string }) => tool.name),
      ['f'],
    );
  });
});
