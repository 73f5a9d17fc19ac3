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
