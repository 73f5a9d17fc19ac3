import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest } from '../fakes/scenario.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const masterKey = 'master-key-routing-two';
const hedgeAfterMs = 300;
const stallMs = 2000;

let slow: AnthropicEmulator;
let fast: ResponsesEmulator;
let gateway: TestGateway;

before(async () => {
  slow = await startAnthropicEmulator({ respond: () => ({ text: 'slow answer', delayMs: stallMs }) });
  fast = await startResponsesEmulator({ respond: () => ({ text: 'fast answer', usage: { input: 50, output: 5 } }) });
  gateway = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: "${slow.url}", api_key: sk-ant-upstream-test }
  oai: { type: openai, base_url: "${fast.url}", api_key: sk-upstream-test }
models:
  racing:
    strategy: hedge
    hedge_after_ms: ${hedgeAfterMs}
    targets:
      - { provider: anthro, model: claude-sonnet-4-5, pricing: { input: 3, output: 15 } }
      - { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 8 } }
server: { master_key: ${masterKey} }
`);
});

after(async () => {
  await gateway.close();
  await Promise.all([slow.close(), fast.close()]);
});

const posts = (emulator: { requests: RecordedRequest[] }) => emulator.requests.filter((request) => request.method === 'POST');

describe('strategy: hedge', () => {
  for (const stream of [false, true]) {
    test(`a stalled first target is raced after hedge_after_ms; the second answers, the first is aborted upstream and billed (${stream ? 'stream' : 'json'})`, async () => {
      const slowBefore = posts(slow).length;
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const started = performance.now();
      let text = '';
      if (stream) {
        for await (const event of await client.responses.create({ model: 'racing', input: 'hi', stream: true })) {
          if (event.type === 'response.output_text.delta') text += event.delta;
        }
      } else {
        text = (await client.responses.create({ model: 'racing', input: 'hi' })).output_text;
      }
      const elapsed = performance.now() - started;
      assert.equal(text, 'fast answer');
      // The second target started only after the hedge delay, and answered long before the stall ended.
      assert.ok(elapsed >= hedgeAfterMs, `answered after ${elapsed} ms, before the hedge delay`);
      assert.ok(elapsed < stallMs - 300, `answered after ${elapsed} ms: not faster than waiting for the stalled target`);

      const slowRequest = posts(slow)[slowBefore];
      assert.ok(slowRequest, 'the first target was called');
      for (let waited = 0; !slowRequest.abortedByClient && waited < 3000; waited += 50) await sleep(50);
      assert.equal(slowRequest.abortedByClient, true, 'the losing attempt was aborted upstream');

      await gateway.gateway.storage.logs.flush();
      const [row] = await gateway.gateway.storage.logs.query({ model: 'racing', limit: 1 });
      assert.ok(row);
      assert.equal(row.provider, 'oai');
      assert.equal(row.outcome, 'ok');
      assert.deepEqual(
        row.attempts.map((attempt) => [attempt.provider, attempt.outcome]),
        [
          ['anthro', 'hedge_lost'],
          ['oai', 'ok'],
        ],
      );
      const lost = row.attempts[0]!;
      assert.ok((lost.costMicros ?? 0) > 0, 'the lost attempt is billed for the prompt it sent (estimated)');
      assert.equal(lost.estimated, true);
    });
  }

  test('both attempts land in the spend ledger: each provider carries cost', async () => {
    const answer = await fetch(`${gateway.url}/admin/spend?group_by=provider`, { headers: { authorization: `Bearer ${masterKey}` } });
    const rows = ((await answer.json()) as { data: Array<{ group: string; cost_usd: number }> }).data;
    assert.ok((rows.find((row) => row.group === 'anthro')?.cost_usd ?? 0) > 0, JSON.stringify(rows));
    assert.ok((rows.find((row) => row.group === 'oai')?.cost_usd ?? 0) > 0, JSON.stringify(rows));
  });
});

describe('strategy: experiment', () => {
  let claude: AnthropicEmulator;
  let gpt: ResponsesEmulator;
  let experiment: TestGateway;

  before(async () => {
    claude = await startAnthropicEmulator({ respond: () => ({ text: 'from claude' }) });
    gpt = await startResponsesEmulator({ respond: () => ({ text: 'from gpt' }) });
    experiment = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: "${claude.url}", api_key: sk-ant-upstream-test }
  oai: { type: openai, base_url: "${gpt.url}", api_key: sk-upstream-test }
models:
  ab:
    strategy: experiment
    targets:
      - { provider: anthro, model: claude-sonnet-4-5, weight: 50, variant: claude }
      - { provider: oai, model: gpt-5.5, weight: 50, variant: gpt }
server: { master_key: ${masterKey} }
`);
  });

  after(async () => {
    await experiment.close();
    await Promise.all([claude.close(), gpt.close()]);
  });

  test('200 sessions split 50/50 within ±10 points, and no session changes variant', async () => {
    const sessions = Array.from({ length: 200 }, (_, index) => `codex-session-${index}`);
    const variantOf = new Map<string, Set<string>>();
    const ask = async (session: string) => {
      const answer = await fetch(`${experiment.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'ab', input: 'hi', prompt_cache_key: session }),
      });
      assert.equal(answer.status, 200, await answer.clone().text());
      const variant = answer.headers.get('x-switchyard-variant');
      assert.ok(variant === 'claude' || variant === 'gpt', `variant header: ${variant}`);
      const body = (await answer.json()) as { output: Array<{ content?: Array<{ text?: string }> }> };
      const text = body.output
        .flatMap((item) => item.content ?? [])
        .map((part) => part.text ?? '')
        .join('');
      assert.equal(text, `from ${variant}`, 'the variant named is the one that answered');
      const seen = variantOf.get(session) ?? new Set<string>();
      seen.add(variant);
      variantOf.set(session, seen);
    };
    // Three turns per session, interleaved across sessions, eight at a time.
    for (let turn = 0; turn < 3; turn++) {
      for (let index = 0; index < sessions.length; index += 8) await Promise.all(sessions.slice(index, index + 8).map(ask));
    }
    const switched = [...variantOf.entries()].filter(([, seen]) => seen.size > 1);
    assert.deepEqual(switched, [], 'a session changed variant');
    const claudeSessions = [...variantOf.values()].filter((seen) => seen.has('claude')).length;
    assert.ok(Math.abs(claudeSessions / sessions.length - 0.5) <= 0.1, `claude got ${claudeSessions} of 200 sessions`);

    const report = (await (await fetch(`${experiment.url}/admin/experiments`, { headers: { authorization: `Bearer ${masterKey}` } })).json()) as {
      data: Array<{ experiment: string; requests: number; variants: Array<{ variant: string; requests: number; weight_share: number; errors: number }> }>;
    };
    const ab = report.data.find((entry) => entry.experiment === 'ab');
    assert.ok(ab, JSON.stringify(report));
    assert.equal(ab.requests, 600);
    assert.equal(ab.variants.find((variant) => variant.variant === 'claude')?.requests, claudeSessions * 3);
    assert.equal(ab.variants.find((variant) => variant.variant === 'gpt')?.requests, (200 - claudeSessions) * 3);
    assert.deepEqual(
      ab.variants.map((variant) => [variant.variant, variant.weight_share, variant.errors]),
      [
        ['claude', 0.5, 0],
        ['gpt', 0.5, 0],
      ],
    );
  });
});
