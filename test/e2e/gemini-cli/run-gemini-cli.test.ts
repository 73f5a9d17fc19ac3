/**
 * Proves the Gemini CLI harness with the real CLI against the strict Gemini emulator: the
 * private settings give API-key auth, the prompt arrives as typed, yolo runs the shell tool
 * without a prompt, and a run that hangs is bounded. A run takes about three seconds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startGeminiEmulator, type GeminiEmulator } from '../../fakes/gemini-emulator.ts';
import type { RecordedRequest } from '../../fakes/scenario.ts';
import { runGeminiCli } from './run-gemini-cli.ts';
import { processGroupGone } from '../../support/spawn-bounded.ts';

const apiKey = 'gemini-upstream-test';
let emulator: GeminiEmulator;

const answered = (request: RecordedRequest) => JSON.stringify(request.body.contents).includes('"functionResponse"');

before(async () => {
  emulator = await startGeminiEmulator({
    apiKey,
    respond: (request) =>
      answered(request)
        ? { text: 'Wrote it.' }
        : { reasoning: { text: 'Shell.' }, toolCalls: [{ name: 'run_shell_command', arguments: { command: 'printf ok > done.txt' } }] },
  });
});
after(() => emulator.close());

describe('runGeminiCli drives the real Gemini CLI', () => {
  test('API-key auth from the private settings, the prompt as typed, the shell tool run without a prompt', async () => {
    const start = emulator.requests.length;
    const prompt = '-h is not a flag here: write done.txt';
    const run = await runGeminiCli({ baseUrl: emulator.url, apiKey, prompt, model: 'gemini-3-flash-preview' });
    try {
      assert.equal(run.exitCode, 0, `gemini failed:\n${run.stdout}\n${run.stderr}`);
      assert.equal(run.finalText, 'Wrote it.');
      assert.equal(await readFile(path.join(run.cwd, 'done.txt'), 'utf8'), 'ok');
      const calls = emulator.requests.slice(start);
      assert.deepEqual(
        calls.map((request) => request.url),
        Array(2).fill('/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse'),
      );
      assert.equal(calls[0]!.headers['x-goog-api-key'], apiKey);
      const userParts = calls[0]!.body.contents
        .filter((content: { role: string }) => content.role === 'user')
        .flatMap((content: { parts: unknown[] }) => content.parts);
      assert.equal(userParts.at(-1).text, prompt);
      const settings = JSON.parse(await readFile(path.join(run.home, '.gemini', 'settings.json'), 'utf8'));
      assert.equal(settings.security.auth.selectedType, 'gemini-api-key');
    } finally {
      await run.dispose();
    }
  });

  test('without the API-key auth setting the CLI refuses to start, and its error document is parsed', async () => {
    const start = emulator.requests.length;
    const run = await runGeminiCli({ baseUrl: emulator.url, apiKey, prompt: 'hi', model: 'gemini-3-flash-preview', settings: { security: {} } });
    try {
      assert.equal(run.exitCode, 41);
      assert.equal(run.result?.error?.message, 'Invalid auth method selected.');
      assert.equal(emulator.requests.length, start, 'nothing was sent');
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
    const run = await runGeminiCli({
      baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      apiKey,
      prompt: 'hi',
      model: 'gemini-3-flash-preview',
      timeoutMs: 6000,
    });
    try {
      assert.equal(run.timedOut, true);
      assert.ok(seen > 0, 'the CLI reached the silent server');
      assert.equal(run.finalText, '');
      assert.equal(await processGroupGone(run.pid), true);
    } finally {
      silent.closeAllConnections();
      silent.close();
      await run.dispose();
    }
  });
});
