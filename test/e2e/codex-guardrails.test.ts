import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { runCodex } from './codex/run-codex.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// A FAKE token, built here so no scanner finds a token-shaped string in the repository.
const token = `${'gh'}p_${'R7kQ2mX9vL4tW8nB3cZ6yH1jF5dS0aPeUo9K'}`;
const gitSha = '9b53aeb1c2d4e6f8091a2b3c4d5e6f708192a3b4';
const integrity = 'sha512-3PKn2XxVhq8QWQWbjjxZ4pAt+bTXNaVn/lYx0bfb2aJ7kY7Xp3QGXaRoLM0w35qFhkXSHakZAkEn3ZJwJNFIkQ==';
const dotEnv = `GITHUB_TOKEN=${token}\nBUILD_SHA=${gitSha}\nLOCK_INTEGRITY=${integrity}\n`;
const redactKey = 'sk-guard-redact-01';
const blockKey = 'sk-guard-block-001';

let anthropic: AnthropicEmulator;
let responses: ResponsesEmulator;
let gateway: TestGateway;

/** How many tool results the (fake) model has seen in this request, in either dialect. */
function toolResults(request: RecordedRequest): number {
  const body = request.body ?? {};
  if (Array.isArray(body.input)) return body.input.filter((item: { type?: string }) => item.type === 'function_call_output').length;
  return (body.messages ?? [])
    .flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
    .filter((block: { type: string }) => block.type === 'tool_result').length;
}

/**
 * The fake model: reads .env, then copies the token it saw (a placeholder, as far as it can
 * tell) into copy.env together with the SHA and integrity hash, then reports.
 */
function agent(request: RecordedRequest): Scenario {
  const seen = toolResults(request);
  if (seen === 0) return { toolCalls: [{ name: 'exec_command', arguments: { cmd: 'cat .env' } }], usage: { input: 900, output: 20 } };
  if (seen === 1) {
    const text = JSON.stringify(request.body);
    const placeholder = /\[secret:github-token:[0-9a-f]{12}\]/.exec(text)?.[0] ?? 'NO-PLACEHOLDER-SEEN';
    return {
      toolCalls: [{ name: 'exec_command', arguments: { cmd: `printf 'GITHUB_TOKEN=%s\\nBUILD_SHA=%s\\n' '${placeholder}' '${gitSha}' > copy.env` } }],
      usage: { input: 1000, output: 40 },
    };
  }
  return { text: 'Copied the token into copy.env.', usage: { input: 1100, output: 10 } };
}

before(async () => {
  anthropic = await startAnthropicEmulator({ respond: agent });
  responses = await startResponsesEmulator({ respond: agent });
  gateway = await startTestGateway(`
providers:
  anthro: { type: anthropic, base_url: ${anthropic.url}, api_key: sk-ant-upstream-test }
  oai: { type: openai, base_url: ${responses.url}, api_key: sk-upstream-test }
models:
  claude-sonnet: { provider: anthro, model: claude-sonnet-4-5 }
  house-model: { provider: oai, model: gpt-5.5 }
keys:
  - { name: redactor, key: ${redactKey} }
  - { name: blocker, key: ${blockKey}, guardrails: { secrets: { action: block } } }
logging: { bodies: true }
`);
});

after(async () => {
  await gateway.close();
  await anthropic.close();
  await responses.close();
});

const modelCalls = (emulator: { requests: RecordedRequest[] }, path: string) => emulator.requests.filter((request) => request.url.startsWith(path));

async function withEnvFile<T>(run: (cwd: string) => Promise<T>): Promise<T> {
  const cwd = await mkdtemp(join(tmpdir(), 'switchyard-guard-'));
  await writeFile(join(cwd, '.env'), dotEnv);
  try {
    return await run(cwd);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

describe('Codex CLI reads a .env and copies its token: the provider never sees it, the file gets it', () => {
  for (const [label, model, emulator, path] of [
    ['on Claude (translated path)', 'claude-sonnet', () => anthropic, '/v1/messages'],
    ['on an OpenAI Responses upstream (same dialect)', 'house-model', () => responses, '/v1/responses'],
  ] as const) {
    test(label, async () => {
      await withEnvFile(async (cwd) => {
        const start = modelCalls(emulator(), path).length;
        const run = await runCodex({ baseUrl: `${gateway.url}/v1`, apiKey: redactKey, model, cwd, prompt: 'Copy GITHUB_TOKEN from .env into copy.env.' });
        try {
          assert.equal(run.exitCode, 0, `codex failed:\n${run.stderr.slice(-3000)}`);
          const calls = modelCalls(emulator(), path).slice(start);
          assert.equal(calls.length, 3);
          for (const call of calls) assert.ok(!JSON.stringify(call.body).includes(token), 'no request body the provider received holds the token');
          const second = JSON.stringify(calls[1]!.body);
          assert.match(second, /\[secret:github-token:[0-9a-f]{12}\]/, 'the provider saw a placeholder');
          assert.ok(second.includes(gitSha) && second.includes(integrity), 'the git SHA and the integrity hash reach the provider untouched');
          // The third request replays the model's own tool call: the placeholder again, never the token.
          assert.ok(JSON.stringify(calls[2]!.body).includes('[secret:github-token:'));
          assert.equal(await readFile(join(cwd, 'copy.env'), 'utf8'), `GITHUB_TOKEN=${token}\nBUILD_SHA=${gitSha}\n`);
          const rows = await gateway.gateway.storage.logs.query({ key: 'redactor', limit: 3 });
          assert.equal(rows.length, 3);
          assert.ok(!JSON.stringify(rows).includes(token), 'no log row (bodies logged) holds the token');
          assert.ok(rows.some((row) => row.warnings.some((warning) => /^guardrail_redact: github-token at .*\(fp_[0-9a-f]{16}\)$/.test(warning))));
        } finally {
          await run.dispose();
        }
      });
    });
  }

  test('with block: Codex shows the refusal, nothing past the first turn reaches the provider, the token is nowhere', async () => {
    await withEnvFile(async (cwd) => {
      const start = modelCalls(responses, '/v1/responses').length;
      const run = await runCodex({
        baseUrl: `${gateway.url}/v1`,
        apiKey: blockKey,
        model: 'house-model',
        cwd,
        prompt: 'Copy GITHUB_TOKEN from .env into copy.env.',
      });
      try {
        const calls = modelCalls(responses, '/v1/responses').slice(start);
        assert.equal(calls.length, 1, 'only the first turn (no secret yet) reached the provider');
        const shown = `${run.stdout}\n${run.stderr}\n${run.lastMessage}`;
        assert.match(shown, /secret \(github-token\) was found in input\[\d+\]\.output/);
        const refusal = shown.split('\n').filter((line) => line.includes('was found in'));
        assert.ok(refusal.length > 0 && refusal.every((line) => !line.includes(token)), 'the refusal names the rule and where, never the value');
        const rows = await gateway.gateway.storage.logs.query({ key: 'blocker', limit: 5 });
        assert.deepEqual(
          rows.map((row) => row.outcome),
          ['rejected_guardrail', 'ok'],
        );
        assert.equal(rows[0]!.errorCode, 'policy_secret_detected');
        assert.ok(!JSON.stringify(rows).includes(token), 'no log row holds the token');
        const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
        assert.match(metrics, /switchyard_guardrail_hits_total\{rule="github-token",action="block"\} 1/);
        assert.ok(!metrics.includes(token));

        // The same refusal to a direct call: contract §4 shape and the §5 header.
        const answer = await fetch(`${gateway.url}/v1/responses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${blockKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'house-model', input: `deploy with ${token}` }),
        });
        const text = await answer.text();
        assert.equal(answer.status, 400);
        assert.equal(answer.headers.get('x-switchyard-guardrails'), 'github-token=block');
        assert.equal(JSON.parse(text).error.code, 'secret_detected');
        assert.ok(!text.includes(token));
      } finally {
        await run.dispose();
      }
    });
  });
});
