import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../src/app.ts';
import { parseConfigText } from '../../src/config/load-config.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis/private-redis.ts';

// Redis stopped under running gateways: a PRIVATE redis-server this test starts and stops.
// Keys with budgets or limits fail closed (503 budget_store_unavailable + Retry-After), or are
// served and counted with `on_unavailable: allow`; keys without them are served throughout.
// Restarted empty, Redis gets its counters back from the durable ledger before admitting.
let emulator: ResponsesEmulator;
let redis: PrivateRedis;
let directory: string;
let closed: RunningGateway;
let open: RunningGateway;

// Worst case of one request: 31 bytes at $1/M + 100 output tokens at $10/M = 1,031 µ$; each costs 510 µ$.
// A $0.002 cap admits two (0 + 1,031 and 510 + 1,031 fit; 1,020 + 1,031 does not).
const config = (name: string, onUnavailable: 'deny' | 'allow') => `
server: { master_key: sk-master-redis-down-01 }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
models:
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 10 }, max_output_tokens: 100 }
keys:
  - { name: capped, key: sk-down-capped-0001, budget: { limit_usd: 0.002, window: month, mode: hard } }
  - { name: limited, key: sk-down-limited-0001, rate_limit: { rpm: 100 } }
  - { name: plain, key: sk-down-plain-0001 }
storage: { url: "sqlite:${join(directory, `${name}.db`)}" }
coordination: { url: "${redis.url}", on_unavailable: ${onUnavailable}, key_prefix: "${name}:" }
`;

before(async () => {
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 10, output: 50 } }) });
  redis = await startPrivateRedis();
  directory = mkdtempSync(join(tmpdir(), 'switchyard-redis-down-'));
  const parse = (text: string) => parseConfigText(text, { env: {}, source: 'test', cwd: directory });
  closed = await startGateway(parse(config('closed', 'deny')), { host: '127.0.0.1', port: 0 });
  open = await startGateway(parse(config('open', 'allow')), { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await closed?.close();
  await open?.close();
  await redis?.dispose();
  await emulator.close();
  rmSync(directory, { recursive: true, force: true });
});

async function ask(gateway: RunningGateway, key: string): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'priced', input: 'hi' }),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function readiness(gateway: RunningGateway): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.url}/ready`);
  return { status: response.status, body: await response.json() };
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('Redis stopped: budgeted and rate-limited keys get 503 budget_store_unavailable with Retry-After, other keys are served; /ready says so; restarted empty, the counters come back from the ledger', async () => {
  assert.deepEqual((await readiness(closed)).body, { status: 'ready', storage: 'sqlite', storage_state: 'ready', outbox_rows: 0, coordination: 'connected' });
  assert.equal((await ask(closed, 'sk-down-capped-0001')).status, 200, 'one of the two the cap allows');
  assert.equal((await ask(closed, 'sk-down-limited-0001')).status, 200);

  await redis.stop();
  for (const key of ['sk-down-capped-0001', 'sk-down-limited-0001']) {
    const answer = await ask(closed, key);
    assert.equal(answer.status, 503, `${key}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error.code, 'budget_store_unavailable');
    assert.equal(answer.headers.get('retry-after'), '2');
  }
  const plain = await ask(closed, 'sk-down-plain-0001');
  assert.equal(plain.status, 200, 'a key without budgets or limits keeps flowing');
  assert.deepEqual(await readiness(closed), {
    status: 200,
    body: { status: 'degraded', storage: 'sqlite', storage_state: 'ready', outbox_rows: 0, coordination: 'unavailable' },
  });

  // Fail-open, where configured: served, and counted.
  assert.equal((await ask(open, 'sk-down-capped-0001')).status, 200);
  assert.equal((await ask(open, 'sk-down-limited-0001')).status, 200);
  const metrics = await (await fetch(`${open.url}/metrics`)).text();
  assert.match(metrics, /switchyard_coordination_fail_open_total\{check="budget"\} 1\b/);
  assert.match(metrics, /switchyard_coordination_fail_open_total\{check="rate_limit"\} 1\b/);
  assert.match(metrics, /switchyard_coordination_up 0\b/);

  // Back, with nothing in it: the key's spend (510 µ$) is rebuilt from the ledger, so exactly one more fits.
  await redis.start();
  await until(async () => (await readiness(closed)).body.coordination === 'connected', 'the gateway to reconnect');
  assert.equal((await ask(closed, 'sk-down-capped-0001')).status, 200);
  const refused = await ask(closed, 'sk-down-capped-0001');
  assert.equal(refused.status, 429, 'a counter started from zero would have admitted this one');
  assert.equal(refused.body.error.code, 'insufficient_quota');
  assert.equal((await ask(closed, 'sk-down-limited-0001')).status, 200);
});
