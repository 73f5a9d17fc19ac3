/**
 * `POST /v1/embeddings` under the gateway-wide rules a model call obeys: a budget crossing is
 * reported once (one webhook POST, one count), embeddings calls count toward the in-flight caps
 * (503 over them, every slot given back) and the request span joins the caller's trace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { startEmbeddingsApisEmulator, type EmbeddingsApisEmulator } from '../fakes/embeddings-apis-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

let emulator: EmbeddingsApisEmulator;
let gateway: TestGateway;
let hook: Server;
let receiver: Server;
const posts: Array<Record<string, unknown>> = [];
const spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }> = [];
/** Closed, the emulator holds every OpenAI-shaped call until `open()`. */
let gate: Promise<void> = Promise.resolve();
let open = () => {};

async function listen(handle: (path: string, body: Buffer) => void): Promise<Server> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    handle(request.url ?? '', request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;

before(async () => {
  hook = await listen((_path, body) => posts.push(JSON.parse(body.toString('utf8')) as Record<string, unknown>));
  receiver = await listen((path, body) => {
    if (path !== '/v1/traces') return;
    for (const resource of JSON.parse(body.toString('utf8')).resourceSpans ?? [])
      for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
  });
  emulator = await startEmbeddingsApisEmulator({ openaiKey: 'sk-openai-upstream', hold: () => gate });
  // $3000 per million input tokens: 400 characters are 100 tokens to the emulator, $0.30 a call.
  gateway = await startTestGateway(`
server: { max_in_flight_per_key: 2 }
providers:
  oai: { type: openai, base_url: "${emulator.url}/v1", api_key: sk-openai-upstream }
models:
  small: { provider: oai, model: text-embedding-3-small }
  priced: { provider: oai, model: text-embedding-3-small, pricing: { input: 3000, output: 0 } }
keys:
  - { name: dev, key: sk-embeddings-limits-01 }
  - { name: spender, key: sk-embeddings-spender-01, budget: { limit_usd: 1, window: month, mode: soft, warn_at: 0.5, webhook_url: "http://127.0.0.1:${portOf(hook)}/hook" } }
routing:
  retry: { max_attempts: 1 }
observability:
  otlp: { endpoint: "http://127.0.0.1:${portOf(receiver)}" }
`);
});

after(async () => {
  open();
  await gateway.close();
  await emulator.close();
  await new Promise((resolve) => hook.close(resolve));
  await new Promise((resolve) => receiver.close(resolve));
});

const embed = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/v1/embeddings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
/** Polls until `done()` holds (or 10 s pass: the first webhook delivery loads the HTTP client). */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const warningsCounted = async () =>
  (await (await fetch(`${gateway.url}/metrics`)).text()).split('\n').find((row) => row.startsWith('switchyard_budget_warnings_total{scope="key"}'));

test('each budget crossing by embeddings calls reaches the webhook once and counts once', async () => {
  const spend = async () => assert.equal((await embed('sk-embeddings-spender-01', { model: 'priced', input: 'x'.repeat(400) })).status, 200);
  await spend();
  await spend();
  // $0.60 of $1: the warn line is crossed.
  await until(() => posts.length >= 1);
  await settle();
  assert.deepEqual(
    posts.map((body) => [body.type, body.threshold, body.spent_usd]),
    [['budget.warning', 0.5, 0.6]],
    'one crossing, one POST',
  );
  await spend();
  await spend();
  await until(() => posts.length >= 2);
  await settle();
  assert.deepEqual(
    posts.map((body) => [body.type, body.threshold, body.spent_usd]),
    [
      ['budget.warning', 0.5, 0.6],
      ['budget.limit_reached', 1, 1.2],
    ],
  );
  assert.equal(await warningsCounted(), 'switchyard_budget_warnings_total{scope="key"} 2');
});

test('embeddings calls count toward max_in_flight_per_key: one past the cap is a 503 in OpenAI shape, and every slot is given back', async () => {
  gate = new Promise<void>((resolve) => (open = resolve));
  const before = emulator.requests.length;
  const held = [embed('sk-embeddings-limits-01', { model: 'small', input: 'first' }), embed('sk-embeddings-limits-01', { model: 'small', input: 'second' })];
  await until(() => emulator.requests.length === before + 2);
  assert.equal(emulator.requests.length, before + 2, 'both calls are at the (held) upstream');
  const third = embed('sk-embeddings-limits-01', { model: 'small', input: 'third' });
  // Unfixed, the third call would reach the upstream and wait there with the other two.
  const refused = await Promise.race([third, until(() => emulator.requests.length > before + 2).then(() => undefined)]);
  open();
  assert.ok(refused, 'the third call was answered without waiting for the upstream');
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '1');
  const body = (await refused.json()) as { error: { message: string; type: string; code: string } };
  assert.equal(body.error.code, 'server_is_overloaded');
  assert.match(body.error.message, /limit of 2 requests in flight/);
  assert.equal(emulator.requests.length, before + 2, 'nothing reached the provider for it');
  for (const answer of await Promise.all(held)) assert.equal(answer.status, 200);
  await until(() => gateway.gateway.inFlight === 0 && gateway.gateway.inFlightByKey.size === 0);
  assert.equal(gateway.gateway.inFlight, 0);
  assert.equal(gateway.gateway.inFlightByKey.size, 0);
  const later = await Promise.all([
    embed('sk-embeddings-limits-01', { model: 'small', input: 'later' }),
    embed('sk-embeddings-limits-01', { model: 'small', input: 'after' }),
  ]);
  assert.deepEqual(
    later.map((answer) => answer.status),
    [200, 200],
  );
});

test("an embeddings call's span joins the caller's trace (traceparent)", async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const answer = await embed('sk-embeddings-limits-01', { model: 'small', input: 'traced' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
  assert.equal(answer.status, 200);
  const requestId = answer.headers.get('x-request-id');
  await gateway.gateway.tracer.forceFlush();
  const span = spans.find((candidate) => candidate.attributes.some((entry) => entry.key === 'switchyard.request_id' && entry.value.stringValue === requestId));
  assert.ok(span, 'the request span was exported');
  assert.equal(span.traceId, traceId);
  assert.equal(span.parentSpanId, '00f067aa0ba902b7');
  assert.ok(
    spans.some((child) => child.parentSpanId === span.spanId && child.traceId === traceId),
    'its attempt span is in the same trace',
  );
});
