import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

// A gateway process started as a user would; its config file is rewritten and reloaded under it.
const repoRoot = new URL('../../', import.meta.url).pathname;
const main = join(repoRoot, 'src', 'main.ts');
const work = mkdtempSync(join(tmpdir(), 'switchyard-reload-'));
const configPath = join(work, 'switchyard.yaml');
const masterKey = 'sk-master-reload';
let upstream: Server;
let upstreamUrl = '';
let child: ChildProcess;
let gatewayUrl = '';
let output = '';

/** A Responses upstream: streams take ~800 ms (four events 200 ms apart); JSON answers are immediate. */
function startSlowUpstream(): Promise<void> {
  upstream = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const parsed = JSON.parse(body) as { model: string; stream?: boolean };
      const usage = {
        input_tokens: 3,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 2,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 5,
      };
      const message = (text: string) => ({
        type: 'message',
        id: 'msg_1',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text, annotations: [] }],
      });
      if (!parsed.stream) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ id: 'resp_j', object: 'response', status: 'completed', model: parsed.model, output: [message(`served by ${parsed.model}`)], usage }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const events = [
        { type: 'response.created', response: { id: 'resp_s', status: 'in_progress', output: [] } },
        { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'slow ' },
        { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'answer' },
        { type: 'response.completed', response: { id: 'resp_s', status: 'completed', model: parsed.model, output: [message('slow answer')], usage } },
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
  });
  return new Promise((resolve) =>
    upstream.listen(0, '127.0.0.1', () => {
      upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
      resolve();
    }),
  );
}

function config(models: string, keys = '  - { name: alice, key: sk-alice-1234 }\n  - { name: bob, key: sk-bob-123456 }\n'): string {
  return `server: { master_key: ${masterKey} }\nproviders:\n  oai: { type: openai, api_key: sk-up, base_url: "${upstreamUrl}" }\nmodels:\n${models}keys:\n${keys}storage: { url: "sqlite:${join(work, 'switchyard.db')}" }\n`;
}

/** Resolves once the output grows a match after `from`; rejects after 10 s. */
async function waitForOutput(pattern: RegExp, from: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const match = pattern.exec(output.slice(from));
    if (match) return match[0];
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${pattern} in the output:\n${output.slice(from)}`);
}

const ask = (model: string, key: string) =>
  fetch(`${gatewayUrl}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: 'hi' }),
  });
const reloadOverHttp = (key: string | undefined) =>
  fetch(`${gatewayUrl}/admin/reload`, { method: 'POST', headers: key ? { authorization: `Bearer ${key}` } : {} });

before(async () => {
  await startSlowUpstream();
  writeFileSync(configPath, config('  coder: { provider: oai, model: gpt-5 }\n'));
  child = spawn(process.execPath, ['--import', 'tsx', main, 'start', '--config', configPath, '--port', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] },
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const line = await waitForOutput(/listening on http:\/\/[^\s]+/, 0);
  gatewayUrl = line.slice('listening on '.length);
});

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  await new Promise((resolve) => upstream.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

test('SIGHUP: a stream in flight completes on the old config while a new alias becomes available; a removed key is refused at once', async () => {
  const stream = await fetch(`${gatewayUrl}/v1/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-alice-1234', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'coder', input: 'hi', stream: true }),
  });
  assert.equal(stream.status, 200);
  const reader = stream.body!.getReader();
  let text = new TextDecoder().decode((await reader.read()).value);
  assert.match(text, /response\.created/);
  assert.equal((await ask('fresh', 'sk-alice-1234')).status, 404, 'not there before the reload');

  const mark = output.length;
  writeFileSync(
    configPath,
    config('  coder: { provider: oai, model: gpt-5 }\n  fresh: { provider: oai, model: gpt-5-mini }\n', '  - { name: alice, key: sk-alice-1234 }\n'),
  );
  child.kill('SIGHUP');
  const line = await waitForOutput(/config reloaded from .*\n/, mark);
  assert.match(line, /aliases \+fresh; keys -bob/);

  const fresh = await ask('fresh', 'sk-alice-1234');
  assert.equal(fresh.status, 200);
  assert.match(JSON.stringify(await fresh.json()), /served by gpt-5-mini/);
  const bob = await ask('coder', 'sk-bob-123456');
  assert.equal(bob.status, 401, 'the revoked config key is refused right after the reload');

  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  assert.match(text, /response\.completed/, 'the stream that started before the reload finished');
  assert.equal(child.exitCode, null, 'SIGHUP did not stop the process');
});

test('SIGHUP with a bad config: the old config keeps serving and the log says why', async () => {
  const mark = output.length;
  writeFileSync(
    configPath,
    config('  coder: { provider: oai, model: gpt-5 }\n  broken:\n    targets: [{ provider: oai, model: gpt-5 }]\n    strategy: fastest\n'),
  );
  child.kill('SIGHUP');
  const line = await waitForOutput(/config reload refused.*\n/, mark);
  assert.match(line, /still serving the previous config/);
  assert.match(line, /models\.broken\.strategy: expected one of failover, weighted/);
  assert.equal((await ask('fresh', 'sk-alice-1234')).status, 200, 'the previous config still serves');
  assert.equal(child.exitCode, null);
});

test('POST /admin/reload: master key only; 200 with the changes; 400 with the errors, the old config kept', async () => {
  writeFileSync(
    configPath,
    config('  coder: { provider: oai, model: gpt-5 }\n  third: { provider: oai, model: gpt-5-nano }\n', '  - { name: alice, key: sk-alice-1234 }\n'),
  );
  assert.equal((await reloadOverHttp(undefined)).status, 401);
  assert.equal((await reloadOverHttp('sk-alice-1234')).status, 401, 'a client key is not the master key');
  assert.equal((await ask('third', 'sk-alice-1234')).status, 404, 'a refused reload request changed nothing');

  const mark = output.length;
  const happy = await reloadOverHttp(masterKey);
  const answer = (await happy.json()) as { status: string; summary: string; changes: { aliases: { added: string[]; removed: string[] } } };
  assert.equal(happy.status, 200, JSON.stringify(answer));
  assert.equal(answer.status, 'reloaded');
  assert.deepEqual(answer.changes.aliases.added, ['third']);
  assert.deepEqual(answer.changes.aliases.removed, ['fresh']);
  await waitForOutput(/config reloaded from .*aliases \+third -fresh/, mark);
  assert.equal((await ask('third', 'sk-alice-1234')).status, 200);
  assert.equal((await ask('fresh', 'sk-alice-1234')).status, 404);

  writeFileSync(configPath, config('  coder: { provider: nobody, model: gpt-5 }\n  bad: { provider: oai }\n'));
  const refused = await reloadOverHttp(masterKey);
  const error = (await refused.json()) as { error: { code: string; errors: string[]; message: string } };
  assert.equal(refused.status, 400);
  assert.equal(error.error.code, 'invalid_config');
  assert.ok(
    error.error.errors.some((entry) => /models\.bad\.model: required/.test(entry)),
    JSON.stringify(error),
  );
  assert.match(error.error.message, /the running one keeps serving/);
  assert.equal((await ask('third', 'sk-alice-1234')).status, 200, 'the running config still serves');
});
