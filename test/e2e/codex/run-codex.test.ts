/**
 * Proves the Codex harness with the real CLI against the scripted Responses server: a shell
 * tool call and a second turn, a freeform apply_patch round trip for a catalog alias, and a
 * bounded timeout. Each run takes about a second (the timeout test a few).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { readBundledModelCatalog, withModelAlias } from './codex-model-catalog.ts';
import { runCodex, type RunCodexResult } from './run-codex.ts';
import { startScriptedResponsesServer, type RecordedRequest } from './scripted-responses-server.ts';
import { processGroupGone } from '../../support/spawn-bounded.ts';

const API_KEY = 'sk-switchyard-e2e';
const ENCRYPTED_REASONING = 'gAAAAABscripted-opaque-reasoning-blob_0123456789-+/=';

const results: RunCodexResult[] = [];
after(async () => {
  await Promise.all(results.map((result) => result.dispose()));
});

function inputItems(request: RecordedRequest | undefined): Array<Record<string, unknown>> {
  assert.ok(request, 'request was not received');
  return request.body.input as Array<Record<string, unknown>>;
}

function toolNamed(request: RecordedRequest | undefined, name: string): Record<string, any> | undefined {
  assert.ok(request, 'request was not received');
  return (request.body.tools as Array<Record<string, any>>).find((tool) => tool.name === name);
}

describe('runCodex drives the real Codex CLI', () => {
  test('two-turn shell task: exec_command runs, reasoning is replayed verbatim', async () => {
    const finalText = 'Created out.txt with the greeting.';
    const server = await startScriptedResponsesServer([
      {
        output: [
          { type: 'reasoning', summary: ['**Writing the file**\n\nOne shell command does it.'], encryptedContent: ENCRYPTED_REASONING },
          { type: 'function_call', name: 'exec_command', callId: 'call_shell_1', arguments: { cmd: "printf 'hello from codex\\n' > out.txt" } },
        ],
      },
      { output: [{ type: 'message', text: finalText }] },
    ]);
    try {
      const result = await runCodex({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        model: 'switchyard-test-alias',
        prompt: 'Write "hello from codex" to out.txt',
        timeoutMs: 90_000,
      });
      results.push(result);
      assert.equal(result.exitCode, 0, `codex failed:\n${result.stderr}\n${result.stdout}`);
      assert.equal(result.timedOut, false);

      assert.equal(await readFile(path.join(result.cwd, 'out.txt'), 'utf8'), 'hello from codex\n');
      assert.equal(result.lastMessage, finalText);
      const commandEvent = result.events.find((event) => event.type === 'item.completed' && (event.item as { type?: string }).type === 'command_execution');
      assert.equal((commandEvent?.item as { exit_code?: number } | undefined)?.exit_code, 0);

      // Only our endpoint was called, twice.
      assert.deepEqual(
        server.requests.map((request) => `${request.method} ${request.url}`),
        ['POST /v1/responses', 'POST /v1/responses'],
      );
      const [first, second] = server.responsesRequests();
      assert.equal(first?.headers.authorization, `Bearer ${API_KEY}`);
      assert.equal(first?.body.model, 'switchyard-test-alias');
      assert.equal(first?.body.stream, true);
      assert.deepEqual(first?.body.include, ['reasoning.encrypted_content']);
      assert.equal(toolNamed(first, 'exec_command')?.parameters.required[0], 'cmd');

      const replayed = inputItems(second);
      const reasoning = replayed.filter((item) => item.type === 'reasoning');
      assert.equal(reasoning.length, 1);
      assert.equal(reasoning[0]?.encrypted_content, ENCRYPTED_REASONING);
      const call = replayed.find((item) => item.type === 'function_call');
      assert.equal(call?.call_id, 'call_shell_1');
      assert.equal(call?.name, 'exec_command');
      const output = replayed.find((item) => item.type === 'function_call_output');
      assert.equal(output?.call_id, 'call_shell_1');
      assert.match(String(output?.output), /Process exited with code 0/);
      // History order: reasoning, then the call, then its output.
      assert.ok(replayed.indexOf(reasoning[0]!) < replayed.indexOf(call!) && replayed.indexOf(call!) < replayed.indexOf(output!));
    } finally {
      await server.close();
    }
  });

  test('a catalog alias like gpt-5.5 gets freeform apply_patch and reasoning.effort', async () => {
    const catalog = withModelAlias(await readBundledModelCatalog(), { alias: 'gw-coder', like: 'gpt-5.5', overrides: { context_window: 200_000 } });
    const patch = ['*** Begin Patch', '*** Add File: notes/hello.md', '+# Hello', '+patched by codex', '*** End Patch'].join('\n');
    const server = await startScriptedResponsesServer([
      { output: [{ type: 'custom_tool_call', name: 'apply_patch', callId: 'call_patch_1', input: patch }] },
      { output: [{ type: 'message', text: 'Patched.' }] },
    ]);
    try {
      const result = await runCodex({
        baseUrl: server.baseUrl,
        apiKey: API_KEY,
        model: 'gw-coder',
        prompt: 'Add notes/hello.md',
        reasoningEffort: 'high',
        modelCatalog: catalog,
        timeoutMs: 90_000,
      });
      results.push(result);
      assert.equal(result.exitCode, 0, `codex failed:\n${result.stderr}\n${result.stdout}`);
      assert.equal(await readFile(path.join(result.cwd, 'notes/hello.md'), 'utf8'), '# Hello\npatched by codex\n');
      assert.equal(result.lastMessage, 'Patched.');

      const [first, second] = server.responsesRequests();
      assert.equal(toolNamed(first, 'apply_patch')?.type, 'custom');
      assert.equal(toolNamed(first, 'apply_patch')?.format.type, 'grammar');
      assert.equal(first?.body.reasoning.effort, 'high');
      const output = inputItems(second).find((item) => item.type === 'custom_tool_call_output');
      assert.equal(output?.call_id, 'call_patch_1');
    } finally {
      await server.close();
    }
  });

  test('timeout kills the whole process group and reports it', async () => {
    const server = await startScriptedResponsesServer([{ kind: 'hang' }]);
    try {
      const result = await runCodex({ baseUrl: server.baseUrl, apiKey: API_KEY, model: 'switchyard-test-alias', prompt: 'wait', timeoutMs: 4_000 });
      results.push(result);
      assert.equal(result.timedOut, true);
      assert.equal(result.exitCode, null);
      assert.equal(server.responsesRequests().length, 1);
      assert.equal(result.lastMessage, '');
      assert.equal(await processGroupGone(result.pid), true);
      // The private CODEX_HOME is there to inspect, with the session rollout Codex wrote.
      assert.ok((await readdir(result.codexHome)).includes('config.toml'));
    } finally {
      await server.close();
    }
  });
});
