import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../support/redis/shared-redis.ts';
import { startTestGateway } from '../support/start-test-gateway.ts';

// The response cache's shared stores (decision 0012): with coordination, an answer stored by one
// instance is a hit on another (Redis); without it, entries survive a restart in the SQLite file.
const key = 'sk-cache-shared-1';
const prefix = uniquePrefix('response-cache');
let upstream: ResponsesEmulator;

const config = (extra: string, cache = '{ mode: force }') => `
providers:
  oai: { type: openai, base_url: "${upstream.url}", api_key: sk-upstream-test }
models:
  gpt-5: { provider: oai, model: gpt-5 }
keys:
  - { name: shared, key: ${key} }
cache: ${cache}
${extra}
`;

async function ask(url: string, prompt: string, stream = false): Promise<string | null> {
  const response = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'gpt-5', input: prompt, stream }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return response.headers.get('x-switchyard-cache');
}

before(async () => {
  upstream = await startResponsesEmulator({ respond: () => ({ text: 'shared answer' }) });
});

after(async () => {
  await upstream.close();
  await deletePrefix(prefix);
});

test('with coordination, an answer stored by one instance is a hit on another', async () => {
  const coordination = `coordination: { url: "${sharedRedisUrl}", key_prefix: "${prefix}" }`;
  const first = await startTestGateway(config(coordination));
  const second = await startTestGateway(config(coordination));
  try {
    const prompt = `across instances ${Math.random()}`;
    const before = upstream.requests.length;
    assert.equal(await ask(first.url, prompt), 'miss');
    assert.equal(await ask(second.url, prompt, true), 'hit');
    assert.equal(upstream.requests.length, before + 1);
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});

test('without coordination, entries live in the SQLite file and survive a restart; store: memory keeps none', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-cache-sqlite-'));
  const storage = `storage: { url: "sqlite:${join(directory, 'gateway.db')}" }`;
  const prompt = `after restart ${Math.random()}`;
  const before = upstream.requests.length;
  const first = await startTestGateway(config(storage));
  try {
    assert.equal(await ask(first.url, prompt), 'miss');
  } finally {
    await first.close();
  }
  const restarted = await startTestGateway(config(storage));
  try {
    assert.equal(await ask(restarted.url, prompt), 'hit');
  } finally {
    await restarted.close();
  }
  assert.equal(upstream.requests.length, before + 1);
  const memoryOnly = await startTestGateway(config(storage, '{ mode: force, store: memory }'));
  try {
    assert.equal(await ask(memoryOnly.url, prompt), 'miss');
  } finally {
    await memoryOnly.close();
  }
});

test('a key made through the admin API carries its own cache block (respect) where the config has none', async () => {
  const master = 'sk-master-cache-0001';
  const gateway = await startTestGateway(`
server: { master_key: ${master} }
providers:
  oai: { type: openai, base_url: "${upstream.url}", api_key: sk-upstream-test }
models:
  gpt-5: { provider: oai, model: gpt-5 }
keys:
  - { name: config-key, key: sk-config-key-0001 }
`);
  try {
    const created = await fetch(`${gateway.url}/admin/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${master}` },
      body: JSON.stringify({ name: 'langwatch', cache: { mode: 'respect', ttl_s: 60 } }),
    });
    const body = (await created.json()) as { key: string; cache?: unknown };
    assert.equal(created.status, 201, JSON.stringify(body));
    assert.deepEqual(body.cache, { mode: 'respect', ttl_s: 60 });
    const ask = async (secret: string, headers: Record<string, string>) => {
      const response = await fetch(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
        body: JSON.stringify({ model: 'gpt-5', input: 'admin key prompt' }),
      });
      await response.text();
      return response.headers.get('x-switchyard-cache');
    };
    assert.equal(await ask(body.key, {}), 'bypass', 'respect: a request that does not ask is not cached');
    assert.equal(await ask(body.key, { 'cache-control': 'max-age=60' }), 'miss');
    assert.equal(await ask(body.key, { 'cache-control': 'max-age=60' }), 'hit');
    assert.equal(await ask('sk-config-key-0001', { 'cache-control': 'max-age=60' }), 'bypass', 'the config key has no cache');
    const cleared = await fetch(`${gateway.url}/admin/keys/langwatch`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${master}` },
      body: JSON.stringify({ cache: null }),
    });
    assert.equal(cleared.status, 200, await cleared.text());
    assert.equal(await ask(body.key, { 'cache-control': 'max-age=60' }), 'bypass');
  } finally {
    await gateway.close();
  }
});
