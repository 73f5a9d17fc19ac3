import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import Database from 'better-sqlite3';

const binary = new URL('../../bin/switchyard.js', import.meta.url).pathname;

/** Starts `switchyard start` as a user would and waits for its one "listening" line. */
async function startCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [binary, 'start', ...args], { cwd, env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; output: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${output}`));
    });
  });
  return { child, url, output: () => output };
}

/** An OpenAI-style upstream whose stream takes ~600 ms, so SIGTERM can land mid-stream. */
async function slowUpstream() {
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const events = [
      { type: 'response.created', response: { id: 'resp_1', status: 'in_progress', output: [] } },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'slow ' },
      { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'answer' },
      {
        type: 'response.completed',
        response: {
          id: 'resp_1',
          status: 'completed',
          output: [],
          usage: {
            input_tokens: 11,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: 2,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: 13,
          },
        },
      },
    ];
    let index = 0;
    const timer = setInterval(() => {
      const event = events[index++]!;
      response.write(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`);
      if (index === events.length) {
        clearInterval(timer);
        response.end();
      }
    }, 200);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

test('`switchyard start` with only OPENAI_API_KEY serves /v1/responses; SIGTERM drains the stream and flushes the log', async () => {
  const upstream = await slowUpstream();
  const cwd = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  const { child, url, output } = await startCli(['--port', '0'], { OPENAI_API_KEY: 'sk-env-only', OPENAI_BASE_URL: upstream.url }, cwd);
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/health`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal((await fetch(`${url}/ready`)).status, 200);

    const response = await fetch(`${url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5', input: 'hi', stream: true }),
    });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.match(new TextDecoder().decode(first.value), /response\.created/);
    child.kill('SIGTERM');
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.match(text, /response\.completed/, 'the in-flight stream finished after SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output());

    const database = new Database(join(cwd, '.switchyard', 'switchyard.db'), { readonly: true });
    const rows = database.prepare('SELECT outcome, input_tokens, output_tokens, model, provider FROM request_logs').all();
    database.close();
    assert.deepEqual(rows, [{ outcome: 'ok', input_tokens: 11, output_tokens: 2, model: 'gpt-5', provider: 'openai' }]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await new Promise((resolve) => upstream.server.close(resolve));
  }
});

test('refuses to bind a non-loopback address without client keys, and names the fix', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  const child = spawn(process.execPath, [binary, 'start', '--host', '0.0.0.0', '--port', '0'], {
    cwd,
    env: { PATH: process.env['PATH'], OPENAI_API_KEY: 'x' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr, /refusing to listen on 0\.0\.0\.0/);
  assert.match(stderr, /add keys/);
});

test('a bad config never starts: the error names the path', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(cwd, 'switchyard.yaml'), 'providers:\n  p:\n    type: openai\n    base_ulr: http://x\n');
  const child = spawn(process.execPath, [binary, 'start', '--port', '0'], { cwd, env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr, /unknown key "providers\.p\.base_ulr" \(did you mean "base_url"\?\)/);
});
