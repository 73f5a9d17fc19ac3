/**
 * Proves the Claude Code harness with the real binary against the strict Anthropic emulator:
 * the permission mode never blocks on a prompt, the prompt arrives as typed, and a run that
 * hangs is bounded. Each run takes about a second (the timeout test a few).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startAnthropicEmulator, type AnthropicEmulator } from '../../fakes/anthropic-emulator.ts';
import type { RecordedRequest } from '../../fakes/scenario.ts';
import { runClaudeCode } from './run-claude-code.ts';
import { processGroupGone } from '../../support/spawn-bounded.ts';

const apiKey = 'sk-ant-upstream-test';
let emulator: AnthropicEmulator;

const toolResultsOf = (request: RecordedRequest) =>
  request.body.messages
    .flatMap((message: { content: unknown }) => (Array.isArray(message.content) ? message.content : []))
    .filter((block: { type: string }) => block.type === 'tool_result');

before(async () => {
  emulator = await startAnthropicEmulator({
    apiKey,
    // Thinking is on (Claude Code asks for it), so a tool call comes after signed thinking.
    respond: (request) =>
      toolResultsOf(request).length > 0
        ? { text: 'Could not run it.' }
        : { reasoning: { text: 'Touch it.' }, toolCalls: [{ name: 'Bash', arguments: { command: 'touch forbidden.txt', description: 'touch' } }] },
  });
});
after(() => emulator.close());

describe('runClaudeCode drives the real Claude Code', () => {
  test('a tool outside allowedTools is denied without a prompt; a prompt starting with "-" arrives as typed', async () => {
    const start = emulator.requests.length;
    const prompt = '--help is not a flag here: touch forbidden.txt';
    const run = await runClaudeCode({ baseUrl: emulator.url, apiKey, prompt, model: 'claude-sonnet-4-5', allowedTools: ['Read'] });
    try {
      assert.equal(run.exitCode, 0, `claude failed:\n${run.stdout}\n${run.stderr}`);
      assert.equal(run.timedOut, false);
      assert.equal(run.finalText, 'Could not run it.');
      assert.equal(run.result?.permission_denials.length, 1);
      assert.equal(existsSync(path.join(run.cwd, 'forbidden.txt')), false);
      const calls = emulator.requests.slice(start).filter((request) => request.method === 'POST');
      assert.equal(calls.length, 2);
      assert.equal(calls[0]!.headers['x-api-key'], apiKey);
      const firstUserTurn = calls[0]!.body.messages[0].content;
      assert.equal(firstUserTurn.at(-1).text, prompt);
      const [denial] = toolResultsOf(calls[1]!);
      assert.match(String(denial.content), /Permission to use Bash has been denied/);
    } finally {
      await run.dispose();
    }
  });

  test('a server that never answers: the run is killed at the time limit with its process group', async () => {
    let seen = 0;
    const silent: Server = createServer(() => {
      seen += 1; // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const run = await runClaudeCode({
      baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      apiKey,
      prompt: 'hi',
      model: 'claude-sonnet-4-5',
      timeoutMs: 4000,
    });
    try {
      assert.equal(run.timedOut, true);
      assert.ok(seen > 0, 'Claude Code reached the silent server');
      assert.equal(run.result, undefined);
      assert.equal(await processGroupGone(run.pid), true);
    } finally {
      silent.closeAllConnections();
      silent.close();
      await run.dispose();
    }
  });
});
