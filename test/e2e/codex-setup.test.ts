import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCodexSetup } from '../../src/cli/codex.ts';
import { startAnthropicEmulator } from '../fakes/anthropic-emulator.ts';
import type { RecordedRequest } from '../fakes/scenario.ts';
import { runCodex } from './codex/run-codex.ts';
import { startTestGateway } from '../support/start-test-gateway.ts';

const toolResults = (request: RecordedRequest): number =>
  (request.body?.messages ?? [])
    .flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
    .filter((block: { type: string }) => block.type === 'tool_result').length;

test('`switchyard codex` gives an alias Codex metadata: the real Codex edits a file with freeform apply_patch through it', async () => {
  const patch = '*** Begin Patch\n*** Update File: app.txt\n@@\n-old line\n+new line\n*** End Patch\n';
  const emulator = await startAnthropicEmulator({
    respond: (request) => (toolResults(request) > 0 ? { text: 'Done.' } : { toolCalls: [{ name: 'apply_patch', arguments: { input: patch } }] }),
  });
  const yaml = `
providers:
  anthro: { type: anthropic, base_url: "${emulator.url}", api_key: sk-ant-upstream-test }
models:
  team-claude: { provider: anthro, model: claude-sonnet-4-5, context_window: 200000 }
`;
  const gateway = await startTestGateway(yaml);
  const dir = mkdtempSync(join(tmpdir(), 'sy-codex-setup-'));
  writeFileSync(join(dir, 'switchyard.yaml'), yaml);
  try {
    await runCodexSetup(['--config', join(dir, 'switchyard.yaml'), '--codex-home', join(dir, 'home'), '--write'], {
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      env: {},
    });
    const catalog = JSON.parse(readFileSync(join(dir, 'home', 'switchyard-models.json'), 'utf8')) as { models: Array<Record<string, unknown>> };
    // The alias sets no reasoning default: the written config names the catalog's, so Codex's
    // header shows the level it sends (it says "none" when model_reasoning_effort is unset).
    const effort = /^model_reasoning_effort = "([a-z]+)"$/m.exec(readFileSync(join(dir, 'home', 'config.toml'), 'utf8'))?.[1];
    assert.equal(effort, 'medium');
    assert.equal(catalog.models[0]!['default_reasoning_level'], effort);
    const cwd = await mkdtemp(join(tmpdir(), 'sy-codex-work-'));
    await writeFile(join(cwd, 'app.txt'), 'old line\n');
    const run = await runCodex({
      baseUrl: `${gateway.url}/v1`,
      apiKey: 'unused',
      model: 'team-claude',
      modelCatalog: catalog,
      reasoningEffort: effort as 'medium',
      cwd,
      prompt: 'Replace "old line" with "new line" in app.txt.',
    });
    try {
      assert.equal(run.exitCode, 0, `codex failed:\n${run.stderr.slice(-3000)}`);
      assert.equal(await readFile(join(cwd, 'app.txt'), 'utf8'), 'new line\n');
      const first = emulator.requests.find((request) => request.url.startsWith('/v1/messages'))!;
      const applyPatch = first.body.tools.find((tool: { name: string }) => tool.name === 'apply_patch');
      assert.deepEqual(applyPatch?.input_schema.required, ['input'], 'Codex offered the freeform tool, which the gateway wrapped');
      assert.deepEqual(first.body.thinking, { type: 'enabled', budget_tokens: 8192 }, 'Anthropic thinks at the level Codex shows');
    } finally {
      await run.dispose();
    }
  } finally {
    await gateway.close();
    await emulator.close();
  }
});
