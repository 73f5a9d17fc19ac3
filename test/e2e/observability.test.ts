import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import type { RecordedRequest, Scenario } from '../fakes/scenario.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Canaries: none of these may appear in any log, row, metric or span.
const clientKey = 'sk-canary-client-7f3a9c2e11d04b5a';
const providerKey = 'sk-canary-provider-4b1e8d7c6a5f9e02';
const promptSecret = 'AKIAZX7CANARY5SECRET';
const masterKey = 'sk-master-observability-1';

let emulator: ResponsesEmulator;
let gateway: TestGateway;
let receiver: Server;
const exported: string[] = [];

const hasToolOutput = (request: RecordedRequest) =>
  Array.isArray(request.body?.input) && request.body.input.some((item: { type?: string }) => item.type === 'function_call_output');

before(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') exported.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  emulator = await startResponsesEmulator({
    apiKey: providerKey,
    respond: (request): Scenario =>
      hasToolOutput(request)
        ? { text: 'Stored the key in secret.txt.', usage: { input: 2000, output: 50, cached: 1500 } }
        : {
            toolCalls: [{ name: 'exec_command', arguments: { cmd: `printf '%s' "${promptSecret}" > secret.txt` } }],
            usage: { input: 1800, output: 120, reasoning: 40 },
          },
  });
  gateway = await startTestGateway(`
server: { master_key: ${masterKey} }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: ${providerKey} }
models:
  coder: { provider: oai, model: gpt-5.5, pricing: { input: 2, cached_input: 0.5, output: 8 } }
keys:
  - { name: observer, key: ${clientKey}, team: research }
logging: { bodies: true }
observability:
  otlp: { endpoint: "http://127.0.0.1:${(receiver.address() as AddressInfo).port}" }
`);
});

after(async () => {
  await gateway.close();
  await emulator.close();
  await new Promise((resolve) => receiver.close(resolve));
});

test('a Codex task shows up in /admin/logs with the emulator token counts and configured prices, in /metrics and in OTLP traces; no secret leaks anywhere', async () => {
  await driveCodex({ baseUrl: `${gateway.url}/v1`, apiKey: clientKey, model: 'coder', prompt: `Write the AWS key ${promptSecret} into secret.txt.` });
  const admin = { authorization: `Bearer ${masterKey}` };

  const logs = (await (await fetch(`${gateway.url}/admin/logs?key=observer&bodies=true`, { headers: admin })).json()) as {
    data: Array<Record<string, unknown>>;
  };
  assert.equal(logs.data.length, 2);
  const [second, first] = logs.data;
  assert.deepEqual([first!['input_tokens'], first!['output_tokens'], first!['reasoning_tokens'], first!['cached_input_tokens']], [1800, 120, 40, 0]);
  assert.deepEqual([second!['input_tokens'], second!['output_tokens'], second!['cached_input_tokens']], [2000, 50, 1500]);
  // (1800 × 2 + 120 × 8) and (500 × 2 + 1500 × 0.5 + 50 × 8) micro-dollars.
  assert.equal(first!['cost_usd'], 0.00456);
  assert.equal(second!['cost_usd'], 0.00215);
  for (const row of logs.data) {
    assert.equal(row['outcome'], 'ok');
    assert.equal(row['served_model'], 'gpt-5.5');
    assert.equal(typeof row['ttfb_ms'], 'number');
  }

  const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
  assert.match(metrics, /switchyard_requests_total\{[^}]*outcome="ok"[^}]*\} 2/);
  assert.match(metrics, /switchyard_tokens_total\{[^}]*kind="input"[^}]*\} 3800/);
  assert.match(metrics, /switchyard_cost_usd_total\{[^}]*\} 0\.00671/);

  await gateway.gateway.tracer.forceFlush();
  const spans = exported.flatMap((body) =>
    JSON.parse(body).resourceSpans.flatMap((resource: { scopeSpans: Array<{ spans: unknown[] }> }) => resource.scopeSpans.flatMap((scope) => scope.spans)),
  ) as Array<{
    name: string;
    spanId: string;
    parentSpanId?: string;
    attributes: Array<{ key: string; value: Record<string, unknown> }>;
  }>;
  const attribute = (span: (typeof spans)[number], key: string) => Object.values(span.attributes.find((entry) => entry.key === key)?.value ?? {})[0];
  const requests = spans.filter((span) => attribute(span, 'switchyard.request_id') !== undefined && !span.parentSpanId);
  assert.equal(requests.length, 2, 'one span per request');
  for (const span of requests) {
    assert.equal(attribute(span, 'gen_ai.request.model'), 'coder');
    assert.equal(attribute(span, 'gen_ai.response.model'), 'gpt-5.5');
    assert.equal(attribute(span, 'gen_ai.provider.name'), 'openai');
    assert.ok(
      spans.some((child) => child.parentSpanId === span.spanId),
      'an attempt span under each request',
    );
  }
  assert.deepEqual(requests.map((span) => Number(attribute(span, 'gen_ai.usage.input_tokens'))).sort(), [1800, 2000]);

  // The canary search: the database files (with the WAL), the admin API, metrics and traces.
  await gateway.gateway.storage.logs.flush();
  const database = new Database(join(gateway.dataDir, 'switchyard.db'));
  database.pragma('wal_checkpoint(TRUNCATE)');
  const bodies = database.prepare('SELECT request_body, response_body FROM request_logs WHERE request_body IS NOT NULL').all() as Array<{
    request_body: string;
    response_body: string | null;
  }>;
  database.close();
  assert.equal(bodies.length, 2, 'bodies are logged when asked');
  // Masked twice over: the guardrails put a placeholder in the prompt, the log redactor masks what else looks like a credential.
  assert.match(bodies[0]!.request_body, /\[secret:[a-z0-9-]+:[0-9a-f]{12}\]|REDACTED/, 'and redacted');
  for (const row of bodies) assert.match(row.response_body ?? '', /event: response\.completed/, 'the response stream is logged too');
  assert.ok(
    bodies.some((row) => row.response_body!.includes('exec_command')),
    'with the tool call the client saw',
  );
  for (const row of logs.data) assert.match(String(row['response_body']), /response\.completed/, '/admin/logs?bodies=true shows the response body');
  const places: Record<string, string> = {
    'database files': readdirSync(gateway.dataDir)
      .map((file) => readFileSync(join(gateway.dataDir, file)).toString('latin1'))
      .join('\n'),
    'admin logs': JSON.stringify(logs),
    metrics,
    traces: exported.join('\n'),
  };
  for (const [place, text] of Object.entries(places)) {
    for (const canary of [clientKey, providerKey, promptSecret]) assert.equal(text.includes(canary), false, `${canary} found in ${place}`);
  }
  assert.ok(
    emulator.requests.every((request) => request.headers.authorization === `Bearer ${providerKey}`),
    'the provider did get its own key',
  );
});
