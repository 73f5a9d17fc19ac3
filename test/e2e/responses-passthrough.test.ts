import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const clientKey = 'sk-client-alice-0001';
const scenarios: Scenario[] = [];
let emulator: ResponsesEmulator;
let gateway: TestGateway;
let client: OpenAI;

before(async () => {
  emulator = await startResponsesEmulator({ respond: () => scenarios.shift() ?? { text: 'default reply' } });
  gateway = await startTestGateway(`
providers:
  oai:
    type: openai
    base_url: ${emulator.url}
    api_key: sk-upstream-test
models:
  house-model: { provider: oai, model: gpt-5.5 }
keys:
  - { name: alice, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
`);
  client = new OpenAI({ apiKey: clientKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

const lastUpstream = () => emulator.requests.at(-1)!;

describe('POST /v1/responses passthrough to an OpenAI upstream', () => {
  test('non-streaming: the answer, the served model, our headers, and only the provider key upstream', async () => {
    scenarios.push({ text: 'Hello from upstream', usage: { input: 120, output: 30, cached: 20, reasoning: 8 } });
    const { data, response } = await client.responses.create({ model: 'house-model', input: 'Say hello' }).withResponse();
    assert.equal(data.output_text, 'Hello from upstream');
    assert.equal(lastUpstream().body.model, 'gpt-5.5');
    assert.equal(lastUpstream().headers.authorization, 'Bearer sk-upstream-test');
    assert.equal(JSON.stringify(lastUpstream().headers).includes(clientKey), false);
    assert.equal(response.headers.get('x-switchyard-provider'), 'oai');
    assert.equal(response.headers.get('x-switchyard-model'), 'gpt-5.5');
    assert.equal(response.headers.get('x-switchyard-fallback-count'), '0');
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{24}$/);
    assert.match(response.headers.get('x-switchyard-cost-usd') ?? '', /^\d+\.\d{6}$/);
    assert.equal(response.headers.get('openai-model'), null);
    assert.equal(data.usage?.input_tokens, 120);

    const [row] = await gateway.gateway.storage.logs.query({ key: 'alice', limit: 1 });
    assert.equal(row?.requestId, response.headers.get('x-request-id'));
    assert.equal(row?.outcome, 'ok');
    assert.equal(row?.status, 200);
    assert.equal(row?.model, 'house-model');
    assert.equal(row?.servedModel, 'gpt-5.5');
    assert.equal(row?.provider, 'oai');
    assert.deepEqual([row?.inputTokens, row?.cachedInputTokens, row?.outputTokens, row?.reasoningTokens], [120, 20, 30, 8]);
    assert.equal(row?.requestBody, null);
    // gpt-5.5 catalog price: (100 × 1.25 + 20 × 0.125 + 30 × 10) micro-dollars
    assert.equal(row?.costMicros, Math.round(100 * 1.25 + 20 * 0.125 + 30 * 10));
  });

  test('streaming: the SDK stream helper consumes the forwarded events and the log meters usage', async () => {
    scenarios.push({ text: 'Streamed words arrive in pieces', usage: { input: 50, output: 12 } });
    const stream = client.responses.stream({ model: 'house-model', input: 'stream please' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    assert.equal(final.output_text, 'Streamed words arrive in pieces');
    assert.equal(deltas.join(''), 'Streamed words arrive in pieces');
    assert.ok(deltas.length > 1);
    assert.equal(lastUpstream().body.stream, true);
    const [row] = await gateway.gateway.storage.logs.query({ key: 'alice', limit: 1 });
    assert.equal(row?.stream, true);
    assert.deepEqual([row?.inputTokens, row?.outputTokens, row?.usageEstimated], [50, 12, false]);
    assert.ok(row?.ttfbMs !== null && row!.ttfbMs >= 0);
  });

  test('tool round trip: a function call, then its output in the next request', async () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'get_weather',
        description: 'Weather',
        strict: false,
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    scenarios.push({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const first = await client.responses.stream({ model: 'house-model', input: 'Weather in Paris?', tools }).finalResponse();
    const call = first.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });

    scenarios.push({ text: 'It is sunny in Paris.' });
    const second = await client.responses.create({
      model: 'house-model',
      tools,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '{"sky":"sunny"}' },
      ],
    });
    assert.equal(second.output_text, 'It is sunny in Paris.');
    assert.equal(lastUpstream().body.input[2].call_id, call.call_id);
  });

  test('errors: wrong key 401, unknown model 404, both logged with their outcome', async () => {
    const before = emulator.requests.length;
    const bad = new OpenAI({ apiKey: 'sk-wrong-key-000', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await assert.rejects(bad.responses.create({ model: 'house-model', input: 'x' }), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_api_key');
      assert.match(error.headers?.get('x-request-id') ?? '', /^req_/);
      return true;
    });
    await assert.rejects(client.responses.create({ model: 'no-such-model', input: 'x' }), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 404);
      assert.equal(error.code, 'model_not_found');
      assert.match(error.message, /house-model/);
      return true;
    });
    assert.equal(emulator.requests.length, before, 'nothing reached the provider');
    const rows = await gateway.gateway.storage.logs.query({ limit: 2 });
    assert.deepEqual(rows.map((row) => row.outcome).sort(), ['rejected_auth', 'rejected_model']);
  });

  test('upstream errors are mapped: 429 keeps Retry-After, a 400 comes back as a 400', async () => {
    scenarios.push({
      error: {
        status: 429,
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached. Please try again in 7s.',
        headers: { 'retry-after': '7' },
      },
    });
    await assert.rejects(client.responses.create({ model: 'house-model', input: 'x' }), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.equal(error.headers?.get('retry-after'), '7');
      return true;
    });
    await assert.rejects(client.responses.create({ model: 'house-model', input: 'x', temperature: -1 }), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      return true;
    });
    const [row] = await gateway.gateway.storage.logs.query({ limit: 1 });
    assert.equal(row?.outcome, 'invalid_request');
  });

  test('a malformed body is a 400 naming the problem', async () => {
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
      body: '{"model":',
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /JSON/);
  });
});

describe('client disconnect', () => {
  test('aborts the upstream request and logs client_disconnected', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    // A provider that starts a stream and then stalls: only a client abort can end it.
    const slow = createServer((request: IncomingMessage, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(
        `event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { id: 'resp_slow', status: 'in_progress', output: [] } })}\n\n`,
      );
      response.on('close', () => upstreamClosed());
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const port = (slow.address() as AddressInfo).port;
    const local = await startTestGateway(`
providers:
  slow: { type: openai, base_url: "http://127.0.0.1:${port}/v1", api_key: sk-upstream-test }
models:
  m: { provider: slow, model: gpt-5 }
`);
    try {
      const abort = new AbortController();
      const response = await fetch(`${local.url}/v1/responses`, {
        method: 'POST',
        signal: abort.signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', input: 'hi', stream: true }),
      });
      const reader = response.body!.getReader();
      const first = await reader.read();
      assert.match(new TextDecoder().decode(first.value), /response\.created/);
      abort.abort();
      await closed;
      await local.gateway.storage.logs.flush();
      let row;
      for (let i = 0; i < 50 && !row; i++) {
        [row] = await local.gateway.storage.logs.query({ outcome: 'client_disconnected' });
        if (!row) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(row?.outcome, 'client_disconnected');
      assert.equal(row?.usageEstimated, true);
      assert.ok((row?.inputTokens ?? 0) > 0, 'input is estimated when the provider reported nothing');
    } finally {
      await local.close();
      await new Promise((resolve) => slow.close(resolve));
    }
  });
});
