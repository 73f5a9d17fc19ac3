import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { runCodex } from './codex/run-codex.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

type ApiError = InstanceType<typeof OpenAI.APIError>;
const masterKey = 'sk-master-governance-1';
let emulator: ResponsesEmulator;
let gateway: TestGateway;

before(async () => {
  // Each answer costs exactly its worst case (1000 output tokens), so however the 50 requests
  // interleave with settlements, the $0.30 admits three and never a fourth.
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 100, output: 1000 }, delayMs: 200 }) });
  gateway = await startTestGateway(`
server: { master_key: ${masterKey} }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
models:
  # $100 per million output tokens: 1000 max output tokens cost $0.10 at worst.
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 0, output: 100 } }
  other: { provider: oai, model: gpt-5-mini }
keys:
  - { name: capped, key: sk-capped-key-0001, budget: { limit_usd: 0.30, window: total, mode: hard } }
  - { name: broke, key: sk-broke-key-00001, budget: { limit_usd: 0, window: month, mode: hard } }
  - { name: single, key: sk-single-model-01, models_allowed: [priced] }
  - { name: limited, key: sk-rate-limited-01, rate_limit: { rpm: 2 } }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
const upstreamCalls = () => emulator.requests.filter((request) => request.url.startsWith('/v1/responses')).length;

describe('budgets never overspend', () => {
  test('50 concurrent requests, $0.30 left, $0.10 worst case each: exactly 3 forwarded, 47 rejected before any upstream call', async () => {
    const before = upstreamCalls();
    const capped = client('sk-capped-key-0001');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => capped.responses.create({ model: 'priced', input: 'hi', max_output_tokens: 1000 })),
    );
    const ok = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    assert.equal(ok.length, 3);
    assert.equal(rejected.length, 47);
    for (const { reason } of rejected) {
      assert.equal((reason as ApiError).status, 429);
      assert.equal((reason as ApiError).code, 'insufficient_quota');
      assert.equal((reason as ApiError).headers?.get('x-should-retry'), 'false');
      assert.match((reason as ApiError).message, /key "capped"/);
    }
    assert.equal(upstreamCalls() - before, 3, 'rejected requests never reached the provider');
    const [row] = await gateway.gateway.storage.spend.rollup({ groupBy: 'key' }).then((rows) => rows.filter((r) => r.group === 'capped'));
    assert.ok(row, 'spend recorded for the key');
    assert.equal(row.costMicros, 3 * 1000 * 100, '3 × 1000 output tokens at $100/M');
    assert.ok(row.costMicros <= 300_000, 'final spend is within the cap');
    const logs = await gateway.gateway.storage.logs.query({ key: 'capped', limit: 100 });
    assert.equal(logs.filter((log) => log.outcome === 'rejected_budget').length, 47);
  });

  test('the real Codex CLI over its hard budget makes one request, shows the quota message, and nothing reaches the provider', async () => {
    const before = upstreamCalls();
    const run = await runCodex({ baseUrl: `${gateway.url}/v1`, apiKey: 'sk-broke-key-00001', model: 'priced', prompt: 'Say hi.', timeoutMs: 60_000 });
    try {
      assert.notEqual(run.exitCode, 0);
      assert.match(run.stdout + run.stderr, /Quota exceeded/i);
      assert.equal(upstreamCalls(), before);
      const logs = await gateway.gateway.storage.logs.query({ key: 'broke' });
      assert.equal(logs.length, 1, 'Codex did not retry an insufficient_quota answer');
      assert.equal(logs[0]?.outcome, 'rejected_budget');
    } finally {
      await run.dispose();
    }
  });
});

describe('access', () => {
  test('a key limited to one model gets 403 for any other, whatever spelling it tries', async () => {
    const single = client('sk-single-model-01');
    for (const model of ['other', 'OTHER', ' other', 'oai/gpt-5-mini', 'oai/gpt-5.5-pro']) {
      await assert.rejects(single.responses.create({ model, input: 'x' }), (error: ApiError) => {
        assert.equal(error.status, 403, model);
        assert.equal(error.code, 'model_not_allowed');
        return true;
      });
    }
    assert.equal((await single.responses.create({ model: ' Priced', input: 'x' })).output_text, 'ok');
  });

  test('a key created through the admin API works at once; revoked, it gets 401 on the next request', async () => {
    const admin = { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${gateway.url}/admin/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'temp-dev', team: 'platform' }) });
    assert.equal(created.status, 201);
    const { key } = (await created.json()) as { key: string };
    assert.match(key, /^sk-sy-/);
    const listed = (await (await fetch(`${gateway.url}/admin/keys`, { headers: admin })).json()) as { data: Array<Record<string, unknown>> };
    assert.ok(listed.data.some((entry) => entry['name'] === 'temp-dev'));
    assert.equal(JSON.stringify(listed).includes(key), false, 'the secret is shown once only');

    assert.equal((await client(key).responses.create({ model: 'priced', input: 'x' })).output_text, 'ok');
    assert.equal((await fetch(`${gateway.url}/admin/keys/temp-dev`, { method: 'DELETE', headers: admin })).status, 200);
    await assert.rejects(
      client(key).responses.create({ model: 'priced', input: 'x' }),
      (error: ApiError) => error.status === 401 && error.code === 'invalid_api_key',
    );
  });

  test('the admin API needs the master key', async () => {
    assert.equal((await fetch(`${gateway.url}/admin/keys`)).status, 401);
    assert.equal((await fetch(`${gateway.url}/admin/keys`, { headers: { authorization: 'Bearer sk-capped-key-0001' } })).status, 401);
  });
});

describe('rate limits', () => {
  test('rpm: 429 rate_limit_exceeded with Retry-After and x-ratelimit headers', async () => {
    const limited = client('sk-rate-limited-01');
    const { response } = await limited.responses.create({ model: 'priced', input: 'x' }).withResponse();
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '1');
    await limited.responses.create({ model: 'priced', input: 'x' });
    await assert.rejects(limited.responses.create({ model: 'priced', input: 'x' }), (error: ApiError) => {
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.ok(Number(error.headers?.get('retry-after')) > 0);
      return true;
    });
    const [row] = await gateway.gateway.storage.logs.query({ key: 'limited', limit: 1 });
    assert.equal(row?.outcome, 'rejected_rate');
  });
});

test('a client that disconnects mid-stream is billed what the provider reported; its row says client_disconnected', async () => {
  let upstreamClosed!: () => void;
  const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
  // An Anthropic upstream that reports input usage in message_start, streams a little, then stalls.
  const upstream = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (type: string, data: object) => response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send('message_start', {
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 4000, cache_read_input_tokens: 1000, output_tokens: 1 },
      },
    });
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Partial answer that the client will not wait for. '.repeat(4) } });
    response.on('close', () => upstreamClosed());
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const local = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: "http://127.0.0.1:${(upstream.address() as AddressInfo).port}", api_key: sk-ant }
models:
  claude: { provider: anthro, model: claude-sonnet-4-5, pricing: { input: 3, cached_input: 0.3, output: 15 } }
keys:
  - { name: leaver, key: sk-leaver-key-0001 }
`);
  try {
    const abort = new AbortController();
    const response = await fetch(`${local.url}/v1/responses`, {
      method: 'POST',
      signal: abort.signal,
      headers: { authorization: 'Bearer sk-leaver-key-0001', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', input: 'hi', stream: true }),
    });
    const reader = response.body!.getReader();
    let seen = '';
    while (!seen.includes('output_text.delta')) seen += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    await closed;
    let row;
    for (let i = 0; i < 100 && !row; i++) {
      [row] = await local.gateway.storage.logs.query({ key: 'leaver' });
      if (!row) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(row?.outcome, 'client_disconnected');
    assert.equal(row?.inputTokens, 5000, 'input as the provider reported it (incl. cache reads)');
    assert.equal(row?.cachedInputTokens, 1000);
    assert.ok((row?.outputTokens ?? 0) > 1, 'streamed output is estimated');
    assert.equal(row?.usageEstimated, true);
    assert.ok((row?.costMicros ?? 0) > 4000 * 3, 'billed at least the reported input');
    let ledger: Array<{ group: string; costMicros: number }> = [];
    for (let i = 0; i < 100 && ledger.length === 0; i++) {
      ledger = (await local.gateway.storage.spend.rollup({ groupBy: 'key' })).filter((entry) => entry.group === 'leaver');
      if (ledger.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(ledger[0]?.costMicros, row?.costMicros, 'the ledger bills the same amount');
  } finally {
    await local.close();
    await new Promise((resolve) => upstream.close(resolve));
  }
});
