import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// What a trial run found: the warning webhook fired twice for one crossing and never at 100 %,
// and switchyard_budget_used_ratio moved only when a warning fired.
let emulator: ResponsesEmulator;
let gateway: TestGateway;
let hook: Server;
const received: Array<Record<string, unknown>> = [];

before(async () => {
  hook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  // $100 per million output tokens: each answer (3000 output tokens) costs $0.30.
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 10, output: 3000 } }) });
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
models:
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 0, output: 100 } }
keys:
  - { name: spender, key: sk-spender-key-0001, budget: { limit_usd: 1, window: month, mode: soft, warn_at: 0.5, webhook_url: "${hookUrl}" } }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
  hook.close();
});

const client = () => new OpenAI({ apiKey: 'sk-spender-key-0001', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
/** The gauge once it reads `expected` (the settle runs after the answer is sent), or its last reading after 10 s. */
async function ratioReaching(expected: number): Promise<number | undefined> {
  const deadline = Date.now() + 10_000;
  let value = await ratio();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await ratio();
  }
  return value;
}
const ratio = async () => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith('switchyard_budget_used_ratio{scope="key",subject="spender"}'));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
/** Waits (up to 10 s: the first delivery loads the HTTP client) until the hook has `count` posts, then a little longer for any extra one. */
async function hookPosts(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await settle();
}

test('the ratio gauge moves on every settle; the warn line and the cap each reach the webhook exactly once', async () => {
  await client().responses.create({ model: 'priced', input: 'hi', max_output_tokens: 4000 });
  // $0.30 of $1: no threshold crossed, the gauge is set all the same.
  assert.equal(await ratioReaching(0.3), 0.3);
  await settle();
  assert.equal(received.length, 0);
  await client().responses.create({ model: 'priced', input: 'hi', max_output_tokens: 4000 });
  await hookPosts(1);
  assert.equal(await ratioReaching(0.6), 0.6);
  assert.deepEqual(
    received.map((body) => [body.type, body.threshold, body.spent_usd]),
    [['budget.warning', 0.5, 0.6]],
    'one crossing, one POST',
  );
  await client().responses.create({ model: 'priced', input: 'hi', max_output_tokens: 4000 });
  await client().responses.create({ model: 'priced', input: 'hi', max_output_tokens: 4000 });
  await client().responses.create({ model: 'priced', input: 'hi', max_output_tokens: 4000 });
  await hookPosts(2);
  assert.equal(await ratioReaching(1.5), 1.5);
  assert.deepEqual(
    received.map((body) => [body.type, body.threshold, body.spent_usd]),
    [
      ['budget.warning', 0.5, 0.6],
      ['budget.limit_reached', 1, 1.2],
    ],
  );
  const warnings = (await (await fetch(`${gateway.url}/metrics`)).text())
    .split('\n')
    .find((row) => row.startsWith('switchyard_budget_warnings_total{scope="key"}'));
  assert.equal(warnings, 'switchyard_budget_warnings_total{scope="key"} 2');
});
