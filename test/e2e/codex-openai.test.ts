import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { runCodex } from './codex/run-codex.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const clientKey = 'sk-codex-dev-0001';
let emulator: ResponsesEmulator;
let gateway: TestGateway;

const hasToolOutput = (request: RecordedRequest) =>
  Array.isArray(request.body?.input) && request.body.input.some((item: { type?: string }) => item.type === 'function_call_output');

before(async () => {
  emulator = await startResponsesEmulator({
    respond: (request): Scenario =>
      hasToolOutput(request)
        ? { text: 'I wrote out.txt.', usage: { input: 900, output: 12 } }
        : {
            reasoning: { text: 'I should create the file with a shell command.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'switchyard works\\n' > out.txt" } }],
            usage: { input: 800, output: 40, reasoning: 25 },
          },
  });
  gateway = await startTestGateway(`
providers:
  oai:
    type: openai
    base_url: ${emulator.url}
    api_key: sk-upstream-test
models:
  house-model: { provider: oai, model: gpt-5.5 }
keys:
  - { name: codex-dev, key: ${clientKey} }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

test('Codex CLI completes a shell-tool task through Switchyard, replaying encrypted reasoning verbatim', async () => {
  const run = await runCodex({
    baseUrl: `${gateway.url}/v1`,
    apiKey: clientKey,
    model: 'house-model',
    prompt: 'Create out.txt containing "switchyard works".',
  });
  try {
    assert.equal(run.exitCode, 0, `codex failed:\n${run.stderr.slice(-3000)}`);
    assert.equal(await readFile(join(run.cwd, 'out.txt'), 'utf8'), 'switchyard works\n');
    assert.equal(run.lastMessage.trim(), 'I wrote out.txt.');

    const modelCalls = emulator.requests.filter((request) => request.url.startsWith('/v1/responses'));
    assert.equal(modelCalls.length, 2);
    for (const call of modelCalls) {
      assert.equal(call.body.model, 'gpt-5.5', 'the alias is rewritten to the served model');
      assert.equal(call.headers.authorization, 'Bearer sk-upstream-test', 'only the provider key goes upstream');
    }
    const second = modelCalls[1]!.body;
    const reasoning = second.input.find((item: { type: string }) => item.type === 'reasoning');
    // The strict emulator only accepts encrypted_content it issued itself, so reaching it
    // with a 200 proves the blob came back byte for byte.
    assert.match(reasoning?.encrypted_content ?? '', /^gAAAA/);
    const output = second.input.find((item: { type: string }) => item.type === 'function_call_output');
    const call = second.input.find((item: { type: string }) => item.type === 'function_call');
    assert.equal(output.call_id, call.call_id);

    const rows = await gateway.gateway.storage.logs.query({ key: 'codex-dev' });
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.map((row) => row.outcome),
      ['ok', 'ok'],
    );
    assert.deepEqual(rows.map((row) => [row.inputTokens, row.outputTokens]).sort(), [
      [800, 40],
      [900, 12],
    ]);
    assert.ok(rows.every((row) => row.stream && row.servedModel === 'gpt-5.5' && row.provider === 'oai'));
  } finally {
    await run.dispose();
  }
});
