import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamEvent } from '../../core/ir/index.ts';
import { Warnings } from '../../core/warnings.ts';
import { openaiResponsesCodec as codec } from './index.ts';
import type { ResponsesStreamEncoder } from './stream-encoder.ts';
import { clientContext, exchangeContext } from '../../../test/support/dialects/openai-responses.ts';

/**
 * The only proof that counts: the real Codex CLI (dev dependency) talks to a server on
 * 127.0.0.1 that answers with this encoder's streams. Turn 1 carries Anthropic thinking and a
 * Gemini-signed tool call; Codex runs the command and must send both secrets back in turn 2.
 */
const codexBinary = new URL('../../../node_modules/.bin/codex', import.meta.url).pathname;
const usage = { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 };

function turnEvents(turn: number): StreamEvent[] {
  const start: StreamEvent = { type: 'response-start', id: `up_${turn}`, model: 'upstream', createdAt: 1700000000 };
  if (turn === 1) {
    const call = { type: 'tool-call' as const, callId: 'call_1', name: 'exec_command', kind: 'function' as const, input: '{"cmd":"echo switchyard-ok"}' };
    return [
      start,
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'anthropic' } },
      { type: 'reasoning-delta', index: 0, part: 0, delta: 'Plan: run echo.' },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'anthropic', summary: ['Plan: run echo.'], signature: 'ANTHROPIC-SIG' } },
      { type: 'block-start', index: 1, block: { kind: 'tool-call', callId: call.callId, name: call.name, toolKind: 'function' } },
      { type: 'tool-call-delta', index: 1, delta: call.input },
      { type: 'block-end', index: 1, block: { ...call, signature: { family: 'gemini', value: 'GEMINI-SIG' } } },
      { type: 'response-end', finishReason: { unified: 'tool_calls' }, usage },
    ];
  }
  return [
    start,
    { type: 'block-start', index: 0, block: { kind: 'text' } },
    { type: 'text-delta', index: 0, delta: 'FINAL ' },
    { type: 'text-delta', index: 0, delta: 'ANSWER' },
    { type: 'block-end', index: 0, block: { type: 'text', text: 'FINAL ANSWER' } },
    { type: 'response-end', finishReason: { unified: 'stop' }, usage },
  ];
}

function serve(bodies: Array<Record<string, unknown>>): Promise<Server> {
  const server = createServer((request, response) => {
    let data = '';
    request.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(data) as Record<string, unknown>;
      bodies.push(body);
      const decoded = codec.decodeRequest(body, new Warnings());
      // A third turn would mean Codex did not accept turn 2 as final: answer it plainly too.
      const encoder = codec.createStreamEncoder(clientContext({ requestedModel: decoded.model, request: decoded, requestId: `r${bodies.length}` }));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of turnEvents(Math.min(bodies.length, 2))) {
        for (const frame of encoder.push(event)) response.write(frame);
        // Keepalives between events, as the pipeline sends during silent upstream phases.
        if (event.type !== 'response-end') for (const frame of (encoder as ResponsesStreamEncoder).keepalive()) response.write(frame);
      }
      for (const frame of encoder.finish()) response.write(frame);
      response.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function runCodex(port: number, home: string, workdir: string): Promise<{ code: number | null; output: string }> {
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model = "claude-sonnet"',
      'model_provider = "switchyard"',
      '[model_providers.switchyard]',
      'name = "switchyard"',
      `base_url = "http://127.0.0.1:${port}/v1"`,
      'env_key = "SWITCHYARD_API_KEY"',
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
  return new Promise((resolve) => {
    const child = spawn(codexBinary, ['exec', '--skip-git-repo-check', '--sandbox', 'danger-full-access', 'run echo'], {
      cwd: workdir,
      env: { ...process.env, CODEX_HOME: home, SWITCHYARD_API_KEY: 'test-key' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

test('Codex CLI runs a tool call from our stream and replays the carried secrets', async () => {
  const bodies: Array<Record<string, unknown>> = [];
  const server = await serve(bodies);
  const home = mkdtempSync(join(tmpdir(), 'sy-codex-home-'));
  const workdir = mkdtempSync(join(tmpdir(), 'sy-codex-work-'));
  try {
    const port = (server.address() as { port: number }).port;
    const { code, output } = await runCodex(port, home, workdir);
    assert.equal(code, 0, output);
    assert.match(output, /switchyard-ok/);
    assert.match(output, /FINAL ANSWER/);
    assert.equal(bodies.length, 2, output);

    const second = codec.decodeRequest(bodies[1], new Warnings());
    const blocks = second.messages.flatMap((message) => message.content);
    const reasoning = blocks.find((block) => block.type === 'reasoning');
    assert.deepEqual(reasoning?.type === 'reasoning' ? [reasoning.family, reasoning.summary, reasoning.signature] : [], [
      'anthropic',
      ['Plan: run echo.'],
      'ANTHROPIC-SIG',
    ]);
    const call = blocks.find((block) => block.type === 'tool-call');
    assert.deepEqual(call?.type === 'tool-call' ? call.signature : undefined, { family: 'gemini', value: 'GEMINI-SIG' });
    const result = blocks.find((block) => block.type === 'tool-result');
    assert.match(result?.type === 'tool-result' && typeof result.output === 'string' ? result.output : '', /switchyard-ok/);

    // Sent on to OpenAI instead, the same history carries none of the foreign secrets.
    const upstream = JSON.stringify(codec.encodeRequest(exchangeContext(second)));
    assert.doesNotMatch(upstream, /sy1\.|ANTHROPIC-SIG|GEMINI-SIG/);
    assert.match(upstream, /switchyard-ok/);
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(workdir, { recursive: true, force: true });
  }
});
