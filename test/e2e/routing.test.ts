import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

type ApiError = InstanceType<typeof OpenAI.APIError>;
let primary: AnthropicEmulator;
let backup: ResponsesEmulator;
let cheap: ResponsesEmulator;
let gateway: TestGateway;
let primaryScript: (request: RecordedRequest) => Scenario = () => ({ text: 'primary' });

const hasToolOutput = (request: RecordedRequest) =>
  Array.isArray(request.body?.input) && request.body.input.some((item: { type?: string }) => item.type === 'function_call_output');
const calls = (emulator: { requests: RecordedRequest[] }) => emulator.requests.filter((request) => request.method === 'POST').length;

before(async () => {
  primary = await startAnthropicEmulator({ respond: (request) => primaryScript(request) });
  backup = await startResponsesEmulator({
    respond: (request) =>
      hasToolOutput(request)
        ? { text: 'Backup finished the task.' }
        : request.body?.tools
          ? { toolCalls: [{ name: 'exec_command', arguments: { cmd: 'printf fallback > routed.txt' } }] }
          : { text: 'backup' },
  });
  cheap = await startResponsesEmulator({ respond: () => ({ text: 'cheap' }) });
  gateway = await startTestGateway(
    `
providers:
  anthro: { type: anthropic, base_url: "${primary.url}", api_key: sk-ant-upstream-test }
  oai: { type: openai, base_url: "${backup.url}", api_key: sk-upstream-test }
  budget: { type: openai, base_url: "${cheap.url}", api_key: sk-upstream-test }
models:
  resilient:
    targets:
      - { provider: anthro, model: claude-sonnet-4-5 }
      - { provider: oai, model: gpt-5.5 }
  small: { provider: budget, model: gpt-5-nano }
  routed: { provider: anthro, model: claude-sonnet-4-5 }
  split:
    strategy: weighted
    targets:
      - { provider: oai, model: gpt-5.5, weight: 7 }
      - { provider: budget, model: gpt-5-nano, weight: 3 }
routing:
  retry: { max_attempts: 2, base_delay_ms: 20, max_delay_ms: 100 }
  rules:
    - { name: short-prompts-to-small, when: { model: routed, max_input_tokens: 200 }, route_to: small }
    - { name: tool-heavy-to-resilient, when: { model: routed, tools_include: [apply_patch] }, route_to: resilient }
`,
    {},
    { random: seededRandom(2026) },
  );
});

after(async () => {
  await gateway.close();
  await Promise.all([primary.close(), backup.close(), cheap.close()]);
});

describe('fallback and retry', () => {
  test('the real Codex CLI completes its task when the first target answers 529 twice; the log shows the attempts', async () => {
    let overloaded = 0;
    primaryScript = () => (overloaded++ < 2 ? { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } } : { text: 'primary back' });
    const primaryBefore = calls(primary);
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: 'unused', model: 'resilient', prompt: 'Create routed.txt with the word fallback.' },
      { files: { 'routed.txt': 'fallback' }, finalText: 'Backup finished the task.' },
      async () => {
        assert.equal(calls(primary) - primaryBefore, 2, 'the primary was tried twice, then never again in this session (sticky to the backup)');
        const rows = await gateway.gateway.storage.logs.query({ model: 'resilient', limit: 2 });
        const first = rows.at(-1)!;
        assert.deepEqual(
          first.attempts.map((attempt) => [attempt.provider, attempt.status]),
          [
            ['anthro', 503],
            ['anthro', 503],
            ['oai', 200],
          ],
        );
        assert.equal(first.attempts[0]?.errorCode, 'provider_overloaded');
        assert.equal(first.outcome, 'ok');
        assert.equal(first.provider, 'oai');
        assert.equal(rows[0]?.attempts.length, 1, 'the second turn went straight to the sticky target');
      },
    );
  });

  test('a 400 from the first target reaches the client without the second target being tried', async () => {
    primaryScript = () => ({ error: { status: 400, type: 'invalid_request_error', message: 'messages.0.content: bad block' } });
    const backupBefore = calls(backup);
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await assert.rejects(client.responses.create({ model: 'resilient', input: 'x' }), (error: ApiError) => {
      assert.equal(error.status, 400);
      assert.match(error.message, /bad block/);
      return true;
    });
    assert.equal(calls(backup), backupBefore);
    const [row] = await gateway.gateway.storage.logs.query({ model: 'resilient', limit: 1 });
    assert.equal(row?.attempts.length, 1);
    assert.equal(row?.outcome, 'invalid_request');
  });

  test('x-switchyard-fallback-count says how many targets failed before the one that answered', async () => {
    primaryScript = () => ({ error: { status: 503, type: 'api_error', message: 'down' } });
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'resilient', input: 'hi' }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-switchyard-fallback-count'), '1');
    assert.equal(response.headers.get('x-switchyard-provider'), 'oai');
  });
});

describe('rules and load balancing', () => {
  test('a rule sends prompts under N tokens to a cheap alias (counted per target upstream); larger ones go on', async () => {
    primaryScript = () => ({ text: 'primary' });
    const [cheapBefore, primaryBefore] = [calls(cheap), calls(primary)];
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 5; i++) assert.equal((await client.responses.create({ model: 'routed', input: 'short' })).output_text, 'cheap');
    for (let i = 0; i < 3; i++) assert.equal((await client.responses.create({ model: 'routed', input: 'long '.repeat(400) })).output_text, 'primary');
    assert.equal(calls(cheap) - cheapBefore, 5);
    assert.equal(calls(primary) - primaryBefore, 3);
    const rows = await gateway.gateway.storage.logs.query({ model: 'routed', limit: 8 });
    assert.deepEqual(rows.map((row) => row.rule).sort(), [...Array(3).fill(null), ...Array(5).fill('short-prompts-to-small')].sort());
  });

  test('a weighted split lands within ±5% over 1000 requests', async () => {
    const [backupBefore, cheapBefore] = [calls(backup), calls(cheap)];
    const body = JSON.stringify({ model: 'split', input: 'hi' });
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${gateway.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          assert.equal(response.status, 200);
          await response.arrayBuffer();
        }),
      );
    }
    const heavy = calls(backup) - backupBefore;
    const light = calls(cheap) - cheapBefore;
    assert.equal(heavy + light, 1000);
    assert.ok(Math.abs(heavy - 700) <= 50, `70% target got ${heavy}/1000`);
  });
});
