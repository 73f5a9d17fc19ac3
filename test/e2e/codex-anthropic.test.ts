import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnthropicEmulator, type AnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { anthropicToolResults } from '../support/agents/turn-counts.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const clientKey = 'sk-codex-claude-01';
let emulator: AnthropicEmulator;
let gateway: TestGateway;
/** Each test installs the model's behaviour for its own run. */
let script: (request: RecordedRequest) => Scenario = () => ({ text: 'unset' });

before(async () => {
  emulator = await startAnthropicEmulator({ respond: (request) => script(request) });
  gateway = await startTestGateway(`
providers:
  anthro:
    type: anthropic
    base_url: ${emulator.url}
    api_key: sk-ant-upstream-test
models:
  claude-sonnet: { provider: anthro, model: claude-sonnet-4-5 }
  gpt-5.5-claude: { provider: anthro, model: claude-sonnet-4-5 }
keys:
  - { name: dev, key: ${clientKey} }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
});

const modelCalls = () => emulator.requests.filter((request) => request.url.startsWith('/v1/messages') && !request.url.includes('count_tokens'));

describe('Codex CLI on Claude through Switchyard', () => {
  test('(a) shell task with model_reasoning_effort=high: thinking on, signatures round-trip', async () => {
    const start = modelCalls().length;
    script = (request) =>
      anthropicToolResults(request) > 0
        ? { reasoning: { text: 'The file exists now; report back.' }, text: 'Created hello.txt.', usage: { input: 1500, output: 30, cached: 1000 } }
        : {
            reasoning: { text: 'I need to run a shell command to create the file.' },
            toolCalls: [{ name: 'exec_command', arguments: { cmd: "printf 'from claude\\n' > hello.txt" } }],
            usage: { input: 1200, output: 60 },
          };
    await driveCodex(
      {
        baseUrl: `${gateway.url}/v1`,
        apiKey: clientKey,
        model: 'claude-sonnet',
        reasoningEffort: 'high',
        prompt: 'Create hello.txt containing "from claude".',
      },
      { files: { 'hello.txt': 'from claude\n' }, finalText: 'Created hello.txt.' },
      async () => {
        const calls = modelCalls().slice(start);
        assert.equal(calls.length, 2);
        assert.equal(calls[0]!.body.thinking?.type, 'enabled');
        assert.ok(calls[0]!.body.max_tokens > calls[0]!.body.thinking.budget_tokens);
        // The emulator verifies signatures it issued; the second call only succeeds when the
        // thinking block came back unchanged, first in the assistant turn that used the tool.
        const assistant = calls[1]!.body.messages.find((message: { role: string }) => message.role === 'assistant');
        assert.equal(assistant.content[0].type, 'thinking');
        assert.equal(assistant.content[0].thinking, 'I need to run a shell command to create the file.');
        assert.ok(assistant.content.some((block: { type: string }) => block.type === 'tool_use'));
        const rows = await gateway.gateway.storage.logs.query({ key: 'dev', limit: 2 });
        assert.deepEqual(
          rows.map((row) => row.outcome),
          ['ok', 'ok'],
        );
        const last = rows.find((row) => row.inputTokens === 1500);
        assert.equal(last?.cachedInputTokens, 1000);
      },
    );
  });

  test('(b) apply_patch as a freeform tool edits a file on disk', async () => {
    const start = modelCalls().length;
    const cwd = await mkdtemp(join(tmpdir(), 'codex-patch-'));
    await writeFile(join(cwd, 'notes.txt'), 'alpha\nbeta\n');
    const patch = '*** Begin Patch\n*** Update File: notes.txt\n@@\n alpha\n-beta\n+gamma\n*** End Patch\n';
    script = (request) =>
      anthropicToolResults(request) > 0 ? { text: 'Patched notes.txt.' } : { toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'gpt-5.5-claude', cwd, prompt: 'In notes.txt replace beta with gamma.' },
      {},
      async () => {
        assert.equal(await readFile(join(cwd, 'notes.txt'), 'utf8'), 'alpha\ngamma\n');
        const calls = modelCalls().slice(start);
        const applyPatch = calls[0]!.body.tools.find((tool: { name: string }) => tool.name === 'apply_patch');
        assert.deepEqual(applyPatch.input_schema.required, ['input'], 'the freeform tool became a one-string function');
        // Codex got a custom_tool_call and answered with custom_tool_call_output, which went back as tool_result.
        assert.equal(anthropicToolResults(calls[1]!), 1);
      },
    );
  });

  test('(c) two parallel tool calls in one turn', async () => {
    const start = modelCalls().length;
    script = (request) =>
      anthropicToolResults(request) >= 2
        ? { text: 'Both files written.' }
        : {
            toolCalls: [
              { name: 'exec_command', arguments: { cmd: 'printf one > one.txt' } },
              { name: 'exec_command', arguments: { cmd: 'printf two > two.txt' } },
            ],
          };
    await driveCodex(
      { baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'claude-sonnet', prompt: 'Write one.txt and two.txt.' },
      { files: { 'one.txt': 'one', 'two.txt': 'two' } },
      () => {
        const calls = modelCalls().slice(start);
        assert.equal(calls.length, 2);
        const lastUser = calls[1]!.body.messages.at(-1);
        assert.equal(lastUser.role, 'user');
        assert.deepEqual(
          lastUser.content.slice(0, 2).map((block: { type: string }) => block.type),
          ['tool_result', 'tool_result'],
          'both results in one user message, first',
        );
      },
    );
  });
});
