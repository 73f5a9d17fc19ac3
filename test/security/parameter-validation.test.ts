import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Out-of-range and mistyped parameters are refused by the gateway itself (400 with `param`)
// on every surface and both paths, before anything reaches a provider: a provider that would
// accept `n: 1000` (vLLM does) must never be asked.
let responses: ResponsesEmulator;
let chat: ChatEmulator;
let anthropic: AnthropicEmulator;
let gemini: GeminiEmulator;
let gateway: TestGateway;
// A request that says "many answers" in its text gets usage for four answers of 90 tokens.
const reply = (request: { body: unknown }) =>
  JSON.stringify(request.body).includes('four answers') ? { text: 'ok', usage: { input: 5, output: 360 } } : { text: 'ok', usage: { input: 5, output: 2 } };

before(async () => {
  responses = await startResponsesEmulator({ respond: reply, apiKey: 'sk-up-oai' });
  chat = await startChatEmulator({ respond: reply, apiKey: 'sk-up-chat', flavor: 'vllm' });
  anthropic = await startAnthropicEmulator({ respond: reply, apiKey: 'sk-up-ant' });
  gemini = await startGeminiEmulator({ respond: reply, apiKey: 'up-gem' });
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${responses.url}", api_key: sk-up-oai }
  vllm: { type: openai-compatible, base_url: "${chat.url}", api_key: sk-up-chat }
  ant: { type: anthropic, base_url: "${anthropic.url}", api_key: sk-up-ant }
  gem: { type: gemini, base_url: "${gemini.url}", api_key: up-gem }
models:
  oai-model: { provider: oai, model: gpt-5.5 }
  chat-model: { provider: vllm, model: qwen3-coder, pricing: { input: 1, output: 10 } }
  ant-model: { provider: ant, model: claude-sonnet-4-5 }
  gem-model: { provider: gem, model: gemini-2.5-pro }
keys:
  - { name: dev, key: sk-param-dev }
  - { name: budgeted, key: sk-param-budgeted, budget: { limit_usd: 100, window: total } }
`);
});

after(async () => {
  await gateway.close();
  await Promise.all([responses.close(), chat.close(), anthropic.close(), gemini.close()]);
});

const upstreamCount = () => responses.requests.length + chat.requests.length + anthropic.requests.length + gemini.requests.length;

async function send(path: string, body: unknown, key = 'sk-param-dev'): Promise<{ status: number; text: string }> {
  const answer = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: answer.status, text: await answer.text() };
}

const responsesBody = (model: string, extra: object) => ({ model, input: 'hi', ...extra });
const chatBody = (model: string, extra: object) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });
const messagesBody = (model: string, extra: object) => ({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], ...extra });
const geminiBody = (extra: object) => ({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: extra });

// [label, path, body, expected param]: each model alias is once same-dialect (passthrough) and once translated.
const refused: Array<[string, string, unknown, string]> = [
  ['responses passthrough temperature -5', '/v1/responses', responsesBody('oai-model', { temperature: -5 }), 'temperature'],
  ['responses translated stream "yes"', '/v1/responses', responsesBody('ant-model', { stream: 'yes' }), 'stream'],
  ['responses passthrough max_output_tokens -1', '/v1/responses', responsesBody('oai-model', { max_output_tokens: -1 }), 'max_output_tokens'],
  ['responses passthrough top_p as a string', '/v1/responses', responsesBody('oai-model', { top_p: '0.5' }), 'top_p'],
  ['chat passthrough n 1000', '/v1/chat/completions', chatBody('chat-model', { n: 1000 }), 'n'],
  ['chat passthrough max_tokens -1', '/v1/chat/completions', chatBody('chat-model', { max_tokens: -1 }), 'max_tokens'],
  ['chat passthrough temperature 2.5', '/v1/chat/completions', chatBody('chat-model', { temperature: 2.5 }), 'temperature'],
  ['chat translated presence_penalty 9', '/v1/chat/completions', chatBody('oai-model', { presence_penalty: 9 }), 'presence_penalty'],
  ['chat passthrough n 2.5', '/v1/chat/completions', chatBody('chat-model', { n: 2.5 }), 'n'],
  ['messages passthrough temperature 1.5', '/v1/messages', messagesBody('ant-model', { temperature: 1.5 }), 'temperature'],
  ['messages passthrough max_tokens 0', '/v1/messages', messagesBody('ant-model', { max_tokens: 0 }), 'max_tokens'],
  ['messages translated top_k -1', '/v1/messages', messagesBody('oai-model', { top_k: -1 }), 'top_k'],
  ['gemini passthrough temperature -1', '/v1beta/models/gem-model:generateContent', geminiBody({ temperature: -1 }), 'generationConfig.temperature'],
  ['gemini translated candidateCount 50', '/v1beta/models/oai-model:generateContent', geminiBody({ candidateCount: 50 }), 'generationConfig.candidateCount'],
];

for (const [label, path, body, param] of refused) {
  test(`refused before any provider call: ${label}`, async () => {
    const before = upstreamCount();
    const { status, text } = await send(path, body);
    assert.equal(status, 400, text);
    assert.equal(upstreamCount(), before, 'nothing may reach a provider');
    assert.match(text, new RegExp(param.replace('.', '\\.')), text);
    // The OpenAI surfaces carry the parameter in `param`, like OpenAI does.
    if (path.startsWith('/v1/responses') || path.startsWith('/v1/chat')) assert.equal((JSON.parse(text) as { error: { param: string } }).error.param, param);
  });
}

test('a valid value nested somewhere else never masks a bad top-level one, and the reverse', async () => {
  // A nested `"temperature": 5` (inside metadata) is not a parameter: served.
  const nested = await send('/v1/chat/completions', chatBody('chat-model', { metadata: { temperature: '5' }, temperature: 0.2 }));
  assert.equal(nested.status, 200, nested.text);
  const nestedNumber = await send('/v1/responses', responsesBody('oai-model', { metadata: { note: 'x' }, text: { format: { type: 'text' } }, temperature: 1 }));
  assert.equal(nestedNumber.status, 200, nestedNumber.text);
  // A key spelled with a unicode escape is still the key.
  const escaped = await send('/v1/chat/completions', '{"model":"chat-model","messages":[{"role":"user","content":"hi"}],"\\u006e":1000}');
  assert.equal(escaped.status, 400, escaped.text);
  assert.equal((JSON.parse(escaped.text) as { error: { param: string } }).error.param, 'n');
});

test('in-range values and nulls (OpenAI defaults) are served on every surface', async () => {
  for (const [path, body] of [
    ['/v1/responses', responsesBody('oai-model', { temperature: 2, top_p: 0, max_output_tokens: 16, store: null })],
    ['/v1/chat/completions', chatBody('chat-model', { n: 1, temperature: null, max_tokens: 10, seed: -3 })],
    ['/v1/messages', messagesBody('ant-model', { temperature: 1, top_k: 0 })],
    ['/v1beta/models/gem-model:generateContent', geminiBody({ temperature: 0.5, candidateCount: 1 })],
  ] as const) {
    const { status, text } = await send(path, body);
    assert.equal(status, 200, `${path}: ${text}`);
  }
});

test('chat passthrough streams ask for usage and the client gets the stream it asked for', async () => {
  const before = chat.requests.length;
  const answer = await send('/v1/chat/completions', chatBody('chat-model', { stream: true }));
  assert.equal(answer.status, 200, answer.text);
  const upstream = chat.requests[before]!.body as { stream_options?: { include_usage?: boolean } };
  assert.equal(upstream.stream_options?.include_usage, true, 'the gateway asks the upstream for usage');
  const chunks = answer.text
    .split('\n\n')
    .filter((event) => event.startsWith('data: {'))
    .map((event) => JSON.parse(event.slice(6)) as Record<string, unknown>);
  assert.ok(chunks.length > 0);
  assert.ok(
    chunks.every((chunk) => !('usage' in chunk)),
    'no usage field the client did not ask for',
  );
  assert.ok(
    chunks.every((chunk) => Array.isArray(chunk['choices']) && (chunk['choices'] as unknown[]).length > 0),
    'no usage-only chunk',
  );
  assert.ok(answer.text.trimEnd().endsWith('data: [DONE]'));
  await gateway.gateway.storage.logs.flush();
  const [row] = await gateway.gateway.storage.logs.query({ key: 'dev', model: 'chat-model', limit: 1 });
  assert.equal(row?.usageEstimated, false, 'usage is billed from the upstream report, not an estimate');
  assert.equal(row?.inputTokens, 5);
  assert.equal(row?.outputTokens, 2);

  // A client that asked for usage gets it untouched.
  const asked = await send('/v1/chat/completions', chatBody('chat-model', { stream: true, stream_options: { include_usage: true } }));
  assert.match(asked.text, /"choices":\[\],"usage":\{|"usage":\{/);
});

test('n answers may each use the whole output cap: a budgeted request books usage up to n × cap, beyond it is clamped', async () => {
  const ask = async (n: number) => {
    const body = { model: 'chat-model', messages: [{ role: 'user', content: 'four answers please' }], n, max_tokens: 100 };
    const { status, text } = await send('/v1/chat/completions', body, 'sk-param-budgeted');
    assert.equal(status, 200, text);
    await gateway.gateway.storage.logs.flush();
    const [row] = await gateway.gateway.storage.logs.query({ key: 'budgeted', model: 'chat-model', limit: 1 });
    return row!;
  };
  const four = await ask(4);
  assert.equal(four.outputTokens, 360, 'four answers of up to 100 tokens each: 360 is possible');
  assert.ok(!four.warnings.some((warning) => warning.startsWith('usage_clamped')));
  const one = await ask(1);
  assert.equal(one.outputTokens, 100, 'one answer cannot have used more than its cap');
  assert.ok(one.warnings.some((warning) => warning.startsWith('usage_clamped')));
});
