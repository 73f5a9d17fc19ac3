import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { budgetRulesFor } from '../../src/policy/budget/budget-rules.ts';

// Money invariants against a hostile upstream: absurd usage, output past the reservation,
// models without a price, retries that must each reach the ledger.
let emulator: ResponsesEmulator;
let gateway: TestGateway;
const failFirst = new Set<string>();

function respond(request: RecordedRequest): Scenario {
  const input = String(request.body?.input ?? '');
  if (input.startsWith('absurd')) return { text: 'ok', usage: { input: 1_000_000_000_000, output: 2_000_000_000_000, reasoning: 3_000_000_000_000 } };
  // Reports far more output than any cap, as a broken upstream would.
  if (input.startsWith('runaway')) return { text: 'ok', usage: { input: 10, output: 500_000 } };
  if (input.startsWith('flaky') && !failFirst.has(input)) {
    failFirst.add(input);
    return { error: { status: 503, type: 'server_error', message: 'overloaded' } };
  }
  return { text: 'ok', usage: { input: 10, output: 20 } };
}

before(async () => {
  emulator = await startResponsesEmulator({ respond, apiKey: 'sk-upstream-money' });
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-money }
models:
  # $100 per million output tokens; the model's context window is 200k.
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 100 }, context_window: 200000, max_output_tokens: 1000 }
keys:
  - { name: capped, key: sk-money-capped-01, budget: { limit_usd: 0.5, window: total, mode: hard } }
  - { name: free, key: sk-money-free-0001 }
  - { name: daily, key: sk-money-daily-001, budget: { limit_usd: 0, window: day, mode: hard } }
routing:
  retry: { max_attempts: 2, base_delay_ms: 1, max_delay_ms: 5 }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
const ledger = async () => {
  await gateway.gateway.storage.logs.flush();
  const database = new Database(join(gateway.dataDir, 'switchyard.db'), { readonly: true });
  try {
    return database
      .prepare('SELECT request_id, key_name, attempt, provider, model, input_tokens, output_tokens, cost_micros, reason FROM spend_ledger ORDER BY rowid')
      .all() as Array<Record<string, unknown>>;
  } finally {
    database.close();
  }
};

test('usage of 10^12 tokens is clamped to what the request could have used, flagged, and never booked as reported', async () => {
  const response = await client('sk-money-free-0001').responses.create({ model: 'priced', input: 'absurd', max_output_tokens: 500 });
  const [row] = await gateway.gateway.storage.logs.query({ key: 'free', limit: 1 });
  assert.ok(row);
  assert.equal(row.inputTokens, 200_000, 'input clamped to the context window');
  assert.equal(row.outputTokens, 500, 'output clamped to the request cap');
  assert.ok(row.reasoningTokens <= row.outputTokens);
  assert.ok(
    row.warnings.some((warning) => warning.startsWith('usage_clamped')),
    row.warnings.join('|'),
  );
  // 200k × $1/M + 500 × $100/M = $0.25, against $3M as reported.
  assert.equal(row.costMicros, 250_000);
  assert.ok(response.id);
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
  assert.match(metrics, /switchyard_usage_anomalies_total\{kind="clamped"\} 1/);
  console.log(`reported 1e12 input / 2e12 output tokens; booked ${row.inputTokens} / ${row.outputTokens} ($${row.costMicros / 1e6})`);
});

test('a budgeted request without an output cap is sent with the cap it was reserved for, so a runaway answer cannot overshoot the hard cap', async () => {
  const capped = client('sk-money-capped-01');
  const results = [];
  // Each request holds 1000 output tokens × $100/M = $0.10 (+ input bytes): at most four fit in $0.50.
  for (let index = 0; index < 8; index++)
    results.push(
      await capped.responses.create({ model: 'priced', input: `runaway ${index}` }).then(
        () => 'ok',
        (error: { status?: number }) => error.status,
      ),
    );
  const sent = emulator.requests.filter((request) => String(request.body?.input ?? '').startsWith('runaway'));
  for (const request of sent) assert.equal(request.body.max_output_tokens, 1000, 'the reserved cap reaches the provider');
  const spent = (await ledger())
    .filter((entry) => String(entry['request_id']).length > 0 && entry['key_name'] === 'capped')
    .reduce((sum, entry) => sum + Number(entry['cost_micros']), 0);
  const cappedKey = await gateway.gateway.keys.authenticate('sk-money-capped-01');
  const usage = await gateway.gateway.storage.spend.usage(budgetRulesFor(cappedKey, gateway.gateway.config.budgets), new Date());
  const capMicros = 500_000;
  assert.ok(spent <= capMicros, `spent ${spent} µ$ of a ${capMicros} µ$ hard cap`);
  assert.ok(usage[0]!.spentMicros <= capMicros, `budget counter ${usage[0]!.spentMicros} ≤ cap`);
  assert.ok(results.includes(429), 'the cap stops further requests');
  console.log(
    `runaway upstream: ${results.filter((result) => result === 'ok').length} served, spent ${spent} µ$ of ${capMicros} µ$ (${(spent / capMicros).toFixed(2)} × the cap)`,
  );
});

test('a budgeted key cannot reach a model without a price; an unbudgeted key can', async () => {
  await assert.rejects(
    client('sk-money-capped-01').responses.create({ model: 'oai/unpriced-model-x', input: 'hello' }),
    (error: { status?: number; message?: string }) => {
      assert.equal(error.status, 403);
      assert.match(String(error.message), /no price/);
      return true;
    },
  );
  const ok = await client('sk-money-free-0001').responses.create({ model: 'oai/unpriced-model-x', input: 'hello' });
  assert.ok(ok.id);
});

test('every attempt reaches the ledger, not only the last one', async () => {
  await client('sk-money-free-0001').responses.create({ model: 'priced', input: 'flaky one', max_output_tokens: 100 });
  const [row] = await gateway.gateway.storage.logs.query({ key: 'free', limit: 1 });
  assert.equal(row?.attempts.length, 2);
  // Spend is settled after the answer is sent: wait (bounded) for it.
  let entries: Array<Record<string, unknown>> = [];
  for (let tries = 0; tries < 40 && entries.length < 2; tries++) {
    entries = (await ledger()).filter((entry) => entry['request_id'] === row!.requestId);
    if (entries.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.deepEqual(
    entries.map((entry) => [entry['attempt'], entry['reason']]),
    [
      [1, 'retry'],
      [2, 'completed'],
    ],
  );
});

test('a budget 429 says when the window resets in Retry-After, and still tells clients not to retry', async () => {
  for (const [path, body, headers] of [
    ['/v1/responses', { model: 'priced', input: 'hi' }, { authorization: 'Bearer sk-money-daily-001' }],
    [
      '/v1/messages',
      { model: 'priced', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': 'sk-money-daily-001', 'anthropic-version': '2023-06-01' },
    ],
  ] as const) {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    assert.equal(response.status, 429, text);
    const retryAfter = Number(response.headers.get('retry-after'));
    const untilMidnight = (Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`) + 86_400_000 - Date.now()) / 1000;
    assert.ok(retryAfter > 0 && Math.abs(retryAfter - untilMidnight) < 5, `${path}: retry-after ${retryAfter} vs ${untilMidnight.toFixed(0)} s to the reset`);
    assert.equal(response.headers.get('x-should-retry'), 'false');
    assert.doesNotMatch(text, /try again in/i, 'Codex must not read a retry delay from the message');
  }
});
