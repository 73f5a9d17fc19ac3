import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

/**
 * A hostile upstream on loopback: huge events and bodies, HTML pages, redirects, error text
 * carrying a canary. Each case prints its figures.
 */
const clientKey = 'sk-client-sec-0001';
const canary = 'CANARY-7f3e-do-not-leak';
type Behaviour = (response: ServerResponse) => void | Promise<void>;
let behaviour: Behaviour = (response) => void response.end();
let lastHeaders: IncomingHttpHeaders = {};
let bytesWritten = 0;
let server: ReturnType<typeof createServer>;
let gateway: TestGateway;

/** Writes `total` bytes of `fill` as fast as the socket takes them, stopping when it closes. */
async function pump(response: ServerResponse, total: number, chunk: Buffer): Promise<void> {
  let sent = 0;
  while (sent < total && !response.destroyed) {
    sent += chunk.length;
    bytesWritten += chunk.length;
    if (!response.write(chunk))
      await new Promise((resolve) => {
        response.once('drain', resolve);
        response.once('close', resolve);
      });
  }
  if (!response.destroyed) response.end();
}

before(async () => {
  server = createServer((request, response) => {
    lastHeaders = request.headers;
    // The gateway drops connections on purpose here.
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    request.resume();
    request.on('end', () => void Promise.resolve(behaviour(response)).catch(() => response.destroy()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gateway = await startTestGateway(`
providers:
  evil: { type: openai, base_url: ${origin}/v1, api_key: sk-upstream-sec }
  evilant: { type: anthropic, base_url: ${origin}, api_key: sk-upstream-ant }
models:
  m: { provider: evil, model: gpt-x }
  a: { provider: evilant, model: claude-x }
keys:
  - { name: sec, key: ${clientKey} }
routing:
  retry: { max_attempts: 1 }
  circuit_breaker: { failure_threshold: 1000 }
`);
});

after(async () => {
  await gateway.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function call(stream: boolean, headers: Record<string, string> = {}, path = '/v1/responses', body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body ?? { model: 'm', input: 'hi', stream }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, text: await response.text() };
}

async function lastRow() {
  await gateway.gateway.storage.logs.flush();
  const [row] = await gateway.gateway.storage.logs.query({ key: 'sec', limit: 1 });
  return row!;
}

describe('a hostile upstream', () => {
  test('one 20 MB SSE event: a terminal error, bounded memory, no event-loop stall', async () => {
    behaviour = async (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1"}}\n\n');
      response.write('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"');
      await pump(response, 20 * 1024 * 1024, Buffer.alloc(64 * 1024, 'a'));
    };
    const lag = monitorEventLoopDelay({ resolution: 10 });
    const rssBefore = process.memoryUsage().rss;
    lag.enable();
    const started = Date.now();
    const { status, text } = await call(true);
    lag.disable();
    const rssDelta = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    const maxLagMs = lag.max / 1e6;
    console.log(
      `20 MB event: status ${status}, ${Date.now() - started} ms, upstream wrote ${(bytesWritten / 1024 / 1024).toFixed(1)} MiB, RSS delta ${rssDelta.toFixed(1)} MiB, max event-loop lag ${maxLagMs.toFixed(1)} ms`,
    );
    assert.equal(status, 200);
    assert.match(text, /response\.failed/);
    assert.match(text, /server_error/);
    assert.ok(maxLagMs < 1000, `event loop stalled ${maxLagMs} ms`);
    assert.ok(rssDelta < 200, `RSS grew ${rssDelta} MiB`);
    assert.equal((await lastRow()).errorCode, 'provider_bad_response');
  });

  test('a 100 MB body: 502 upstream_bad_response, not forwarded', async () => {
    bytesWritten = 0;
    behaviour = async (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"id":"resp_1","output":[{"text":"');
      await pump(response, 100 * 1024 * 1024, Buffer.alloc(256 * 1024, 'b'));
    };
    const { status, text } = await call(false);
    console.log(`100 MB body: status ${status}, answer ${text.length} bytes, upstream wrote ${(bytesWritten / 1024 / 1024).toFixed(1)} MiB`);
    assert.equal(status, 502);
    assert.match(text, /upstream_bad_response/);
    assert.ok(text.length < 2000);
    assert.ok(bytesWritten < 60 * 1024 * 1024, `read ${bytesWritten} bytes`);
  });

  for (const stream of [false, true]) {
    test(`a 200 text/html page (stream ${stream}): 502, not billed, body not shown`, async () => {
      behaviour = (response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(`<html><body>Captive portal ${canary}</body></html>`);
      };
      const { status, text } = await call(stream);
      const row = await lastRow();
      console.log(`html 200 (stream ${stream}): status ${status}, row ${row.outcome}/${row.errorCode}, cost ${row.costMicros}`);
      assert.equal(status, 502);
      assert.match(text, /upstream_bad_response/);
      assert.equal(text.includes(canary), false);
      assert.equal(row.costMicros, 0);
      assert.equal(row.inputTokens, 0);
    });
  }

  test('a 302 redirect: 502, not a 200 with an empty body', async () => {
    behaviour = (response) => {
      response.writeHead(302, { location: 'http://127.0.0.1:1/login' });
      response.end();
    };
    const { status, text } = await call(false);
    console.log(`302: status ${status}`);
    assert.equal(status, 502);
    assert.match(text, /upstream_bad_response/);
  });

  for (const [name, type, body, code] of [
    ['html 500', 'text/html', `<h1>${canary}</h1>`, 500],
    ['plain 503', 'text/plain', `upstream exploded ${canary}`, 503],
    ['json 500', 'application/json', JSON.stringify({ error: { message: `internal ${canary}`, type: 'server_error' } }), 500],
    ['plain 400', 'text/plain', `bad thing ${canary}`, 400],
  ] as const) {
    test(`upstream error text (${name}) never reaches the client`, async () => {
      behaviour = (response) => {
        response.writeHead(code, { 'content-type': type });
        response.end(body);
      };
      const { status, text } = await call(false);
      console.log(`${name}: status ${status}, answer ${text}`);
      assert.ok(status >= 400);
      assert.equal(text.includes(canary), false);
      assert.equal(((await lastRow()).errorMessage ?? '').includes(canary), false);
    });
  }

  test('only allowlisted client headers reach the provider', async () => {
    behaviour = (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-x',
          content: [{ type: 'text', text: 'ok' }],
          stop_reason: 'end_turn',
          usage: { input_tokens: 1, output_tokens: 1 },
        }),
      );
    };
    const { status } = await call(
      false,
      {
        'x-forwarded-for': '10.0.0.1',
        'x-evil': '1',
        'user-agent': 'client-tool/1.0',
        cookie: 'session=abc',
        'anthropic-beta': 'context-management-2025-06-27',
      },
      '/v1/messages',
      { model: 'a', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
    );
    console.log(`headers: status ${status}, provider saw ${Object.keys(lastHeaders).sort().join(', ')}`);
    assert.equal(status, 200);
    for (const name of ['x-forwarded-for', 'x-evil', 'cookie', 'authorization']) assert.equal(lastHeaders[name], undefined, name);
    assert.notEqual(lastHeaders['user-agent'], 'client-tool/1.0');
    assert.equal(lastHeaders['anthropic-beta'], 'context-management-2025-06-27');
    assert.equal(lastHeaders['x-api-key'], 'sk-upstream-ant');
  });
});

test('the upstream caps are configurable and default when absent', async () => {
  const { parseConfigText } = await import('../../src/config/load-config.ts');
  const base = 'providers:\n  p: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: k }\nmodels:\n  m: { provider: p, model: x }\n';
  const set = parseConfigText(`${base}upstream: { max_body_bytes: 1024, max_sse_event_bytes: 512 }\n`, { env: {}, source: 'test', cwd: '/tmp' });
  const unset = parseConfigText(base, { env: {}, source: 'test', cwd: '/tmp' });
  assert.deepEqual(set.providers['p']?.limits, { maxBodyBytes: 1024, maxSseEventBytes: 512 });
  assert.deepEqual(unset.providers['p']?.limits, { maxBodyBytes: 32 * 1024 * 1024, maxSseEventBytes: 8 * 1024 * 1024 });
});
