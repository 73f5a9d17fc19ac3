import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startGeminiEmulator, type GeminiEmulator } from '../fakes/gemini-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { readSseFrames } from '../fakes/read-sse-frames.ts';
import { decodeChunks, streamProblems } from '../conformance/codec-conformance.ts';
import { assertMatchesOpenAiSchema, assertValidChatChunks, assertValidResponsesEvents } from '../support/openai-schema.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { ResponsesSocketClient } from '../support/websocket/responses-socket-client.ts';
import { dialectCodecs } from '../../src/dialects/registry.ts';
import type { DialectId } from '../../src/core/ir/index.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';

// Issue 19 done-when 1: with `force`, the second identical request is a hit on every surface,
// streamed and not; the upstream saw one request; the streamed replay is a well-formed stream of
// the client's dialect; another key's identical request is a miss; a teammate under scope team hits.
const keys = { alice: 'sk-cache-alice-1', bob: 'sk-cache-bob-1', tina: 'sk-cache-tina-1', tom: 'sk-cache-tom-1' };
let responses: ResponsesEmulator;
let chat: ChatEmulator;
let anthropic: AnthropicEmulator;
let gemini: GeminiEmulator;
let gateway: TestGateway;
const textOf = (request: RecordedRequest) => JSON.stringify(request.body);

before(async () => {
  const respond = (request: RecordedRequest): Scenario => {
    const text = textOf(request);
    if (text.includes('CUT-STREAM'))
      return { text: 'a long answer that breaks off', midStreamError: { afterEvents: 3, type: 'api_error', message: 'overloaded' } };
    if (text.includes('HIT-THE-CAP')) return { text: 'an answer cut by the cap', stop: 'length' };
    if (text.includes('UPSTREAM-FAILS')) return { error: { status: 400, message: 'bad request' } };
    return { text: `answer to ${text.length} bytes`, usage: { input: 40, output: 12, cached: 10 } };
  };
  responses = await startResponsesEmulator({ respond });
  chat = await startChatEmulator({ respond });
  anthropic = await startAnthropicEmulator({ respond });
  gemini = await startGeminiEmulator({ respond });
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${responses.url}", api_key: sk-upstream-test }
  compat: { type: openai-compatible, base_url: "${chat.url}", api_key: sk-chat-upstream-test }
  anthro: { type: anthropic, base_url: "${anthropic.url}", api_key: sk-ant-upstream-test }
  google: { type: gemini, base_url: "${gemini.url}", api_key: gemini-upstream-test }
models:
  gpt-5: { provider: oai, model: gpt-5, pricing: { input: 1.25, cached_input: 0.125, output: 10 } }
  chat-model: { provider: compat, model: qwen3, pricing: { input: 1, output: 2 } }
  claude-sonnet-4-5: { provider: anthro, model: claude-sonnet-4-5 }
  gemini-2.5-pro: { provider: google, model: gemini-2.5-pro }
  claude-via-chat: { provider: anthro, model: claude-sonnet-4-5 }
keys:
  - { name: alice, key: ${keys.alice} }
  - { name: bob, key: ${keys.bob} }
  - { name: tina, key: ${keys.tina}, team: ops }
  - { name: tom, key: ${keys.tom}, team: ops }
teams:
  ops: { cache: { scope: team } }
cache: { mode: force, ttl_s: 600 }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await Promise.all([responses.close(), chat.close(), anthropic.close(), gemini.close()]);
});

interface Surface {
  name: string;
  dialect: DialectId;
  upstream: () => RecordedRequest[];
  call(stream: boolean, prompt: string): { path: string; body: unknown; headers?: Record<string, string> };
}

const surfaces: Surface[] = [
  {
    name: 'Responses',
    dialect: 'openai-responses',
    upstream: () => responses.requests,
    call: (stream, prompt) => ({ path: '/v1/responses', body: { model: 'gpt-5', input: prompt, stream, client_metadata: { turn: Math.random() } } }),
  },
  {
    name: 'Chat',
    dialect: 'openai-chat',
    upstream: () => chat.requests,
    call: (stream, prompt) => ({ path: '/v1/chat/completions', body: { model: 'chat-model', messages: [{ role: 'user', content: prompt }], stream } }),
  },
  {
    name: 'Anthropic Messages',
    dialect: 'anthropic-messages',
    upstream: () => anthropic.requests,
    call: (stream, prompt) => ({
      path: '/v1/messages',
      body: { model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: prompt }], stream },
      headers: { 'anthropic-version': '2023-06-01' },
    }),
  },
  {
    name: 'Gemini',
    dialect: 'gemini',
    upstream: () => gemini.requests,
    call: (stream, prompt) => ({
      path: `/v1beta/models/gemini-2.5-pro:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
      body: { contents: [{ role: 'user', parts: [{ text: prompt }] }] },
    }),
  },
  {
    name: 'Chat client on an Anthropic target (translated)',
    dialect: 'openai-chat',
    upstream: () => anthropic.requests,
    call: (stream, prompt) => ({
      path: '/v1/chat/completions',
      body: { model: 'claude-via-chat', messages: [{ role: 'user', content: prompt }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) },
    }),
  },
];

async function send(surface: Surface, key: string, stream: boolean, prompt: string, headers: Record<string, string> = {}) {
  const call = surface.call(stream, prompt);
  const response = await fetch(`${gateway.url}${call.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...call.headers, ...headers },
    body: JSON.stringify(call.body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${surface.name}: ${text}`);
  return {
    cache: response.headers.get('x-switchyard-cache'),
    text,
    cost: response.headers.get('x-switchyard-cost-usd'),
    requestId: response.headers.get('x-request-id')!,
  };
}

/** The answer's text and the stream's IR events, decoded by the client's own dialect. */
function decodeAnswer(surface: Surface, stream: boolean, text: string): { text: string; events: ReturnType<typeof decodeChunks> | undefined } {
  const codec = dialectCodecs[surface.dialect];
  if (!stream) {
    const context = {
      request: { model: 'm', system: [], messages: [], tools: [], stream: false, extensions: {} },
      target: { model: 'm', family: 'openai' as const },
      toolNames: undefined as never,
      warnings: { add() {} } as never,
    };
    const answer = codec.decodeResponse(JSON.parse(text), { ...context, toolNames: { toClient: (n: string) => n, fromClient: (n: string) => n } as never });
    return { text: answer.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join(''), events: undefined };
  }
  const events = decodeChunks(codec, surface.dialect, [Buffer.from(text)]);
  return { text: events.flatMap((event) => (event.type === 'text-delta' ? [event.delta] : [])).join(''), events };
}

/** `schema`: the gateway's own encoding (a replay) must match OpenAI's published schema; a passthrough answer is the upstream's bytes. */
function checkStream(surface: Surface, text: string, label: string, schema: boolean): void {
  const frames = readSseFrames(text).filter((frame) => frame.data !== '');
  if (schema && surface.dialect === 'openai-responses')
    assertValidResponsesEvents(
      frames.map((frame) => frame.data),
      label,
    );
  if (schema && surface.dialect === 'openai-chat')
    assertValidChatChunks(
      frames.map((frame) => frame.data),
      label,
    );
  const events = decodeChunks(dialectCodecs[surface.dialect], surface.dialect, [Buffer.from(text)]);
  assert.deepEqual(streamProblems(events), [], `${label}: ${JSON.stringify(events)}`);
  assert.equal(events.at(-1)?.type, 'response-end', label);
}

for (const surface of surfaces) {
  for (const stream of [false, true]) {
    test(`${surface.name}, ${stream ? 'streamed' : 'whole'}: the second identical request is a hit, the upstream saw one; another key misses`, async () => {
      const prompt = `cache me: ${surface.name} ${stream} ${Math.random()}`;
      const before = surface.upstream().length;
      const first = await send(surface, keys.alice, stream, prompt);
      assert.equal(first.cache, 'miss');
      assert.equal(surface.upstream().length, before + 1);
      const second = await send(surface, keys.alice, stream, prompt);
      assert.equal(second.cache, 'hit');
      assert.equal(surface.upstream().length, before + 1, 'a hit must not reach the upstream');
      const live = decodeAnswer(surface, stream, first.text);
      const replay = decodeAnswer(surface, stream, second.text);
      assert.equal(replay.text, live.text);
      assert.ok(replay.text.length > 0);
      if (stream) {
        checkStream(surface, first.text, `${surface.name} live stream`, false);
        checkStream(surface, second.text, `${surface.name} replayed stream`, true);
        const start = (events: typeof live.events) => events?.find((event) => event.type === 'response-start');
        const liveId = start(live.events)?.type === 'response-start' ? (start(live.events) as { id: string }).id : undefined;
        const replayId = start(replay.events)?.type === 'response-start' ? (start(replay.events) as { id: string }).id : undefined;
        assert.ok(replayId, 'the replay has a response id');
        if (liveId) assert.notEqual(replayId, liveId, 'a replay gets a fresh id');
      } else {
        assert.equal(second.cost, '0.000000', 'a hit costs nothing');
        if (surface.dialect === 'openai-responses') assertMatchesOpenAiSchema('Response', JSON.parse(second.text));
        if (surface.dialect === 'openai-chat') assertMatchesOpenAiSchema('CreateChatCompletionResponse', JSON.parse(second.text));
      }
      const other = await send(surface, keys.bob, stream, prompt);
      assert.equal(other.cache, 'miss', 'another key never shares an entry');
      assert.equal(surface.upstream().length, before + 2);
    });
  }
}

test('request controls: bypass and refresh skip the stored answer, respect needs max-age', async () => {
  const surface = surfaces[1]!;
  const prompt = `controls ${Math.random()}`;
  const before = surface.upstream().length;
  assert.equal((await send(surface, keys.alice, false, prompt)).cache, 'miss');
  assert.equal((await send(surface, keys.alice, false, prompt, { 'x-switchyard-cache': 'bypass' })).cache, 'bypass');
  assert.equal((await send(surface, keys.alice, false, prompt, { 'x-switchyard-cache': 'refresh' })).cache, 'miss');
  assert.equal((await send(surface, keys.alice, false, prompt, { 'cache-control': 'no-store' })).cache, 'bypass');
  assert.equal(surface.upstream().length, before + 4);
  assert.equal((await send(surface, keys.alice, false, prompt, { 'cache-control': 'max-age=600' })).cache, 'hit');
  assert.equal(surface.upstream().length, before + 4);
});

test('scope team: two keys of one team share entries, a key outside it does not', async () => {
  const surface = surfaces[0]!;
  const prompt = `team ${Math.random()}`;
  const before = surface.upstream().length;
  assert.equal((await send(surface, keys.tina, false, prompt)).cache, 'miss');
  assert.equal((await send(surface, keys.tom, true, prompt)).cache, 'hit');
  assert.equal((await send(surface, keys.alice, false, prompt)).cache, 'miss');
  assert.equal(surface.upstream().length, before + 2);
});

test('the log row says hit with the cost saved; /metrics counts hits, misses, bytes and dollars saved', async () => {
  const surface = surfaces[0]!;
  const prompt = `logged ${Math.random()}`;
  const miss = await send(surface, keys.alice, false, prompt);
  const hit = await send(surface, keys.alice, false, prompt);
  await gateway.gateway.storage.logs.flush();
  const rows = await gateway.gateway.storage.logs.query({ limit: 200 });
  const missRow = rows.find((row) => row.requestId === miss.requestId)!;
  const hitRow = rows.find((row) => row.requestId === hit.requestId)!;
  assert.equal(missRow.cache, 'miss');
  assert.ok(missRow.costMicros > 0);
  assert.equal(hitRow.cache, 'hit');
  assert.equal(hitRow.costMicros, 0);
  assert.equal(hitRow.costSavedMicros, missRow.costMicros);
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
  assert.match(metrics, /switchyard_cache_results_total\{result="hit"\} [1-9]/);
  assert.match(metrics, /switchyard_cache_results_total\{result="miss"\} [1-9]/);
  assert.match(metrics, /switchyard_cache_stored_bytes_total [1-9]/);
  assert.match(metrics, /switchyard_cache_saved_usd_total\{model="gpt-5"\} 0\.\d*[1-9]/);
  // Provider prompt caches: OpenAI cached tokens and Gemini cachedContentTokenCount, per key and model.
  assert.equal(missRow.cachedInputTokens, 10);
  assert.equal(missRow.promptCacheSavedMicros, Math.round(10 * (1.25 - 0.125)));
  assert.match(metrics, /switchyard_prompt_cache_share\{key="alice",model="gpt-5"\} 0\.25\n/);
  assert.match(metrics, /switchyard_prompt_cache_tokens_total\{key="alice",model="gemini-2\.5-pro",kind="cached"\} [1-9]/);
  assert.match(metrics, /switchyard_prompt_cache_saved_usd_total\{key="alice",model="gpt-5"\} 0\.\d*[1-9]/);
});

test('prompt_cache_key reaches OpenAI namespaced per tenant, on the passthrough and stable per key', async () => {
  const seen: string[] = [];
  for (const [surface, key] of [
    [surfaces[0]!, keys.alice],
    [surfaces[0]!, keys.alice],
    [surfaces[0]!, keys.bob],
    [surfaces[1]!, keys.alice],
  ] as const) {
    const call = surface.call(false, 'same prompt');
    const response = await fetch(`${gateway.url}${call.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-switchyard-cache': 'bypass' },
      body: JSON.stringify({ ...(call.body as object), prompt_cache_key: 'shared-session-1' }),
    });
    assert.equal(response.status, 200, await response.text());
    seen.push(surface.upstream().at(-1)!.body.prompt_cache_key);
  }
  for (const value of seen) assert.match(value, /^sy_[A-Za-z0-9_-]{40}$/);
  assert.equal(seen[0], seen[1], 'one key keeps one namespaced value');
  assert.notEqual(seen[0], seen[2], 'two keys never share one');
});

test('a Responses hit is a stored turn like a live one: previous_response_id continues from its fresh id', async () => {
  const prompt = `stored turn ${Math.random()}`;
  const body = { model: 'gpt-5', input: prompt, store: true };
  const post = (payload: unknown) =>
    fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.alice}` },
      body: JSON.stringify(payload),
    });
  const live = await post(body);
  const liveBody = (await live.json()) as { id: string };
  const hit = await post(body);
  assert.equal(hit.headers.get('x-switchyard-cache'), 'hit');
  const hitBody = (await hit.json()) as { id: string };
  assert.notEqual(hitBody.id, liveBody.id);
  const next = await post({ model: 'gpt-5', input: 'and then?', previous_response_id: hitBody.id, store: true });
  assert.equal(next.status, 200, await next.text());
});

test('only complete successes are stored: not a cut stream, an answer cut by the cap, or an error', async () => {
  for (const surface of [surfaces[0]!, surfaces[1]!, surfaces[2]!, surfaces[4]!]) {
    for (const [marker, stream] of [
      ['CUT-STREAM', true],
      ['HIT-THE-CAP', false],
      ['HIT-THE-CAP', true],
    ] as const) {
      const prompt = `${marker} ${surface.name} ${Math.random()}`;
      const before = surface.upstream().length;
      for (let attempt = 0; attempt < 2; attempt++) {
        const call = surface.call(stream, prompt);
        const response = await fetch(`${gateway.url}${call.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.alice}`, ...call.headers },
          body: JSON.stringify(call.body),
        });
        await response.text();
        assert.equal(response.headers.get('x-switchyard-cache'), 'miss', `${surface.name} ${marker} stream=${stream} attempt ${attempt}`);
      }
      assert.equal(surface.upstream().length, before + 2, `${surface.name} ${marker}: both reached the upstream`);
    }
  }
  const prompt = `UPSTREAM-FAILS ${Math.random()}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    const call = surfaces[1]!.call(false, prompt);
    const response = await fetch(`${gateway.url}${call.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.alice}` },
      body: JSON.stringify(call.body),
    });
    assert.equal(response.status, 400, await response.text());
  }
});

test('over the Responses WebSocket, a repeated response.create is answered from the cache with a valid event sequence', async () => {
  const client = await ResponsesSocketClient.connect(`${gateway.url.replace('http', 'ws')}/v1/responses`, { authorization: `Bearer ${keys.alice}` });
  try {
    const create = {
      type: 'response.create',
      model: 'gpt-5',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `ws ${Math.random()}` }] }],
      store: false,
    };
    const before = responses.requests.length;
    const live = await client.turn(create);
    assert.equal(live.last.type, 'response.completed', JSON.stringify(live.last));
    const replay = await client.turn(create);
    assert.equal(replay.last.type, 'response.completed', JSON.stringify(replay.last));
    assert.equal(responses.requests.length, before + 1, 'the second frame did not reach the upstream');
    assertValidResponsesEvents(replay.events, 'replayed WebSocket events');
    assert.notEqual(replay.last.response.id, live.last.response.id);
  } finally {
    client.socket.close();
  }
});
