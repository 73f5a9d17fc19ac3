/**
 * A Gemini model that stops without a usable answer (`MALFORMED_FUNCTION_CALL`) or on a safety
 * filter ends the same way for every client through the whole gateway, stream and non-stream:
 * a failure (never an empty `stop`) or a content-filter stop. The upstream is a loopback stub
 * answering one fixed candidate.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { checkOpenAiBody } from '../support/openai-schema-fetch.ts';

let finishReason = 'MALFORMED_FUNCTION_CALL';
let stub: Server;
let gateway: TestGateway;

const candidate = () => ({
  candidates: [{ content: { role: 'model', parts: [] }, finishReason, index: 0 }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 0, totalTokenCount: 5 },
  modelVersion: 'gemini-3-flash-preview',
  responseId: 'stub1',
});

before(async () => {
  stub = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.includes(':streamGenerateContent')) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`data: ${JSON.stringify(candidate())}\r\n\r\n`);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(candidate()));
      }
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  gateway = await startTestGateway(`
providers:
  google:
    type: gemini
    base_url: http://127.0.0.1:${(stub.address() as AddressInfo).port}
    api_key: gemini-upstream-test
models:
  g: { provider: google, model: gemini-3-flash-preview }
routing:
  retry: { max_attempts: 1 }
`);
});

after(async () => {
  await gateway.close();
  await new Promise((resolve) => stub.close(resolve));
});

async function call(path: string, body: Record<string, unknown>): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (path.startsWith('/v1/responses') || path.startsWith('/v1/chat')) checkOpenAiBody(path, response.status, type, text);
  return { status: response.status, type, text };
}

const responsesBody = (stream: boolean) => ({ model: 'g', input: 'hi', stream });
const chatBody = (stream: boolean) => ({ model: 'g', messages: [{ role: 'user', content: 'hi' }], stream });
const anthropicBody = (stream: boolean) => ({ model: 'g', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], stream });

describe('Gemini MALFORMED_FUNCTION_CALL through the gateway', () => {
  test('Responses: failed, stream and non-stream', async () => {
    finishReason = 'MALFORMED_FUNCTION_CALL';
    const unary = await call('/v1/responses', responsesBody(false));
    assert.equal(unary.status, 200);
    assert.equal(JSON.parse(unary.text).status, 'failed');
    const stream = await call('/v1/responses', responsesBody(true));
    assert.match(stream.text, /event: response\.failed/);
    assert.match(stream.text, /MALFORMED_FUNCTION_CALL/);
  });

  test('Chat: an error, never an empty stop', async () => {
    const unary = await call('/v1/chat/completions', chatBody(false));
    assert.ok(unary.status >= 500, `HTTP ${unary.status}`);
    assert.match(JSON.parse(unary.text).error.message, /MALFORMED_FUNCTION_CALL/);
    const stream = await call('/v1/chat/completions', chatBody(true));
    assert.doesNotMatch(stream.text, /"finish_reason":"stop"/);
    assert.match(stream.text, /MALFORMED_FUNCTION_CALL/);
  });

  test('Anthropic: an error, never end_turn', async () => {
    const unary = await call('/v1/messages', anthropicBody(false));
    assert.ok(unary.status >= 500, `HTTP ${unary.status}`);
    assert.equal(JSON.parse(unary.text).type, 'error');
    const stream = await call('/v1/messages', anthropicBody(true));
    assert.doesNotMatch(stream.text, /end_turn/);
    assert.match(stream.text, /MALFORMED_FUNCTION_CALL/);
  });
});

describe('Gemini SAFETY through the gateway', () => {
  test('a content-filter stop on every surface', async () => {
    finishReason = 'SAFETY';
    const responses = JSON.parse((await call('/v1/responses', responsesBody(false))).text);
    assert.deepEqual([responses.status, responses.incomplete_details], ['incomplete', { reason: 'content_filter' }]);
    assert.equal(JSON.parse((await call('/v1/chat/completions', chatBody(false))).text).choices[0].finish_reason, 'content_filter');
    assert.match((await call('/v1/chat/completions', chatBody(true))).text, /"finish_reason":"content_filter"/);
    assert.equal(JSON.parse((await call('/v1/messages', anthropicBody(false))).text).stop_reason, 'refusal');
    assert.match((await call('/v1/responses', responsesBody(true))).text, /event: response\.incomplete/);
  });
});
