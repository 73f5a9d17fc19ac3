import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChatEmulator, type ChatEmulator } from '../fakes/chat-emulator.ts';
import { startEmbeddingsEmulator, type EmbeddingsEmulator } from '../fakes/embeddings-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Issue 19 item 4: with `cache.semantic`, a near-identical prompt without tools is answered from
// the cache; a request with tools or tool outputs never is (not even looked up), nor another key's.
const keys = { alice: 'sk-semantic-alice-1', bob: 'sk-semantic-bob-1' };
let chat: ChatEmulator;
let embeddings: EmbeddingsEmulator;
let gateway: TestGateway;

before(async () => {
  chat = await startChatEmulator({ respond: () => ({ text: 'Paris.' }) });
  embeddings = await startEmbeddingsEmulator();
  gateway = await startTestGateway(`
providers:
  compat: { type: openai-compatible, base_url: "${chat.url}", api_key: sk-chat-upstream-test }
  emb: { type: openai-compatible, base_url: "${embeddings.url}", api_key: sk-embeddings-test }
models:
  chat-model: { provider: compat, model: qwen3 }
keys:
  - { name: alice, key: ${keys.alice} }
  - { name: bob, key: ${keys.bob} }
cache: { mode: force, semantic: { model: emb/text-embedding-3-small, threshold: 0.95 } }
`);
});

after(async () => {
  await gateway.close();
  await Promise.all([chat.close(), embeddings.close()]);
});

const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];

async function ask(key: string, content: string, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'chat-model', messages: [{ role: 'user', content }], ...extra }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, body);
  return { cache: response.headers.get('x-switchyard-cache'), warnings: response.headers.get('x-switchyard-warnings') ?? '', body };
}

test('a near-identical prompt without tools hits; an unrelated one and another key miss', async () => {
  const upstream = chat.requests.length;
  assert.equal((await ask(keys.alice, 'What is the capital of France?')).cache, 'miss');
  const near = await ask(keys.alice, 'what is the capital of france');
  assert.equal(near.cache, 'hit');
  assert.match(near.warnings, /cache_semantic_hit/);
  assert.equal(JSON.parse(near.body).choices[0].message.content, 'Paris.');
  assert.equal(chat.requests.length, upstream + 1);
  assert.equal((await ask(keys.alice, 'Write a poem about the sea')).cache, 'miss');
  assert.equal((await ask(keys.bob, 'What is the capital of France')).cache, 'miss');
  assert.equal(chat.requests.length, upstream + 3);
});

test('never for requests with tools or tool outputs: not even embedded', async () => {
  const upstream = chat.requests.length;
  const embedded = embeddings.requests.length;
  assert.equal((await ask(keys.alice, 'Which city is the capital of Spain?', { tools })).cache, 'miss');
  assert.equal((await ask(keys.alice, 'which city is the capital of spain', { tools })).cache, 'miss');
  const toolTurn = {
    messages: [
      { role: 'user', content: 'Which city is the capital of Spain?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Madrid' },
    ],
  };
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.alice}` },
    body: JSON.stringify({ model: 'chat-model', ...toolTurn }),
  });
  assert.equal(response.status, 200, await response.text());
  assert.equal(response.headers.get('x-switchyard-cache'), 'miss');
  assert.equal(chat.requests.length, upstream + 3);
  assert.equal(embeddings.requests.length, embedded, 'requests with tools are never embedded');
});
