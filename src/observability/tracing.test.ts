import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { attributeNames, genAiProviderNames } from './trace-attributes.ts';
import { createTracer } from './tracing.ts';
import { requestLogRow } from '../../test/support/observability/request-log-row.ts';

interface ReceivedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  resource: Record<string, unknown>;
}

interface Receiver {
  url: string;
  spans: ReceivedSpan[];
  requests: Array<{ path: string; contentType: string; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}

/** An OTLP attribute value ({ stringValue } | { intValue } | …) as plain JSON. */
function plain(value: Record<string, any>): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(plain);
  return value;
}

function attributesOf(list: Array<{ key: string; value: Record<string, any> }> = []): Record<string, unknown> {
  return Object.fromEntries(list.map((entry) => [entry.key, plain(entry.value)]));
}

/** A real OTLP/HTTP receiver on 127.0.0.1: accepts `POST /v1/traces` (JSON, gzip or not). */
async function startReceiver(): Promise<Receiver> {
  const spans: ReceivedSpan[] = [];
  const requests: Receiver['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const contentType = String(request.headers['content-type'] ?? '');
    requests.push({ path: request.url ?? '', contentType, headers: request.headers });
    if (request.method !== 'POST' || request.url !== '/v1/traces' || !contentType.startsWith('application/json')) {
      response.writeHead(415).end();
      return;
    }
    const payload = JSON.parse(body.toString('utf8'));
    for (const resourceSpans of payload.resourceSpans ?? []) {
      const resource = attributesOf(resourceSpans.resource?.attributes);
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          spans.push({ ...span, attributes: attributesOf(span.attributes), status: span.status ?? {}, resource });
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('createTracer over OTLP/HTTP', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  test('the attribute names are the ones the installed semantic conventions export', () => {
    assert.equal(attributeNames.operationName, incubating.ATTR_GEN_AI_OPERATION_NAME);
    assert.equal(attributeNames.providerName, incubating.ATTR_GEN_AI_PROVIDER_NAME);
    assert.equal(attributeNames.requestModel, incubating.ATTR_GEN_AI_REQUEST_MODEL);
    assert.equal(attributeNames.requestStream, incubating.ATTR_GEN_AI_REQUEST_STREAM);
    assert.equal(attributeNames.responseModel, incubating.ATTR_GEN_AI_RESPONSE_MODEL);
    assert.equal(attributeNames.responseFinishReasons, incubating.ATTR_GEN_AI_RESPONSE_FINISH_REASONS);
    assert.equal(attributeNames.usageInputTokens, incubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    assert.equal(attributeNames.usageOutputTokens, incubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
    assert.equal(attributeNames.usageCacheReadInputTokens, incubating.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
    assert.equal(attributeNames.usageCacheCreationInputTokens, incubating.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
    assert.equal(attributeNames.usageReasoningOutputTokens, incubating.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS);
    assert.equal(attributeNames.httpResponseStatusCode, ATTR_HTTP_RESPONSE_STATUS_CODE);
    assert.equal(attributeNames.errorType, ATTR_ERROR_TYPE);
    assert.equal(attributeNames.urlPath, ATTR_URL_PATH);
    assert.equal(incubating.GEN_AI_OPERATION_NAME_VALUE_CHAT, 'chat');
    assert.equal(incubating.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC, 'anthropic');
    assert.equal(incubating.GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI, 'gcp.gemini');
    assert.equal(incubating.GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI, 'azure.ai.openai');
  });

  test('a request span with a failed and a successful attempt arrives with GenAI attributes and parent links', async () => {
    const secretHeader = 'collector-token-0123456789';
    const tracer = createTracer({
      endpoint: `${receiver.url}/`,
      headers: { authorization: `Bearer ${secretHeader}` },
      serviceName: 'switchyard-test',
      providerNames: genAiProviderNames({
        providers: { anthro: { name: 'anthro', type: 'anthropic' } as never, oai: { name: 'oai', type: 'openai' } as never },
      }),
    });
    assert.equal(tracer.enabled, true);
    const request = tracer.startRequest({ requestId: 'req_trace_0001', surface: 'openai-responses', endpoint: '/v1/responses' });
    const first = request.startAttempt('oai', 'gpt-5');
    first.end(503, { code: 'provider_overloaded' });
    const second = request.startAttempt('anthro', 'claude-opus-4-1');
    assert.match(second.traceparent() ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    second.end(200);
    request.end(requestLogRow({ requestId: 'req_trace_0001', requestBody: '{"input":"my prompt text"}', responseBody: 'the answer' }), {
      finishReasons: ['stop'],
      fallbacks: 1,
      cache: 'miss',
    });
    await tracer.shutdown();

    const exports = receiver.requests.filter((entry) => entry.path === '/v1/traces');
    assert.ok(exports.length >= 1);
    assert.match(exports[0]!.contentType, /^application\/json/);
    assert.equal(exports[0]!.headers['authorization'], `Bearer ${secretHeader}`);

    const requestSpan = receiver.spans.find((span) => span.attributes['switchyard.request_id'] === 'req_trace_0001');
    assert.ok(requestSpan, 'the request span arrived');
    assert.equal(requestSpan.name, 'chat smart');
    assert.equal(requestSpan.kind, 2, 'SERVER');
    assert.equal(requestSpan.parentSpanId ?? '', '');
    assert.equal(requestSpan.resource['service.name'], 'switchyard-test');
    assert.deepEqual(requestSpan.attributes, {
      'gen_ai.operation.name': 'chat',
      'switchyard.request_id': 'req_trace_0001',
      'switchyard.surface': 'openai-responses',
      'url.path': '/v1/responses',
      'gen_ai.request.stream': true,
      'http.response.status_code': 200,
      'switchyard.outcome': 'ok',
      'switchyard.cost_usd': 0.012345,
      'switchyard.attempts': 1,
      'switchyard.usage_estimated': false,
      'gen_ai.request.model': 'smart',
      'gen_ai.response.model': 'claude-opus-4-1',
      'gen_ai.provider.name': 'anthropic',
      'switchyard.provider': 'anthro',
      'switchyard.key_name': 'alice',
      'switchyard.team': 'platform',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.cache_read.input_tokens': 800,
      'gen_ai.usage.cache_creation.input_tokens': 100,
      'gen_ai.usage.reasoning.output_tokens': 120,
      'switchyard.ttfb_ms': 420.25,
      'gen_ai.response.finish_reasons': ['stop'],
      'switchyard.fallbacks': 1,
      'switchyard.cache': 'miss',
      'switchyard.attribute.repo': 'billing',
      'switchyard.tags': ['nightly'],
    });
    assert.equal(requestSpan.status.code ?? 0, 0, 'a successful request leaves the status unset');

    const attempts = receiver.spans.filter((span) => span.parentSpanId === requestSpan.spanId);
    assert.deepEqual(
      attempts.map((span) => [
        span.name,
        span.kind,
        span.traceId === requestSpan.traceId,
        span.attributes['gen_ai.provider.name'],
        span.attributes['http.response.status_code'],
        span.attributes['error.type'] ?? null,
        span.status.code ?? 0,
      ]),
      [
        ['chat gpt-5', 3, true, 'openai', 503, 'provider_overloaded', 2],
        ['chat claude-opus-4-1', 3, true, 'anthropic', 200, null, 0],
      ],
    );
    assert.equal(second.traceparent(), `00-${requestSpan.traceId}-${attempts[1]!.spanId}-01`);

    const everything = JSON.stringify(receiver.spans);
    for (const forbidden of ['my prompt text', 'the answer', secretHeader]) assert.ok(!everything.includes(forbidden), `${forbidden} never reaches a span`);
  });

  test('a client traceparent is continued; failures mark the span; secrets in model names are masked', async () => {
    const tracer = createTracer({ endpoint: `${receiver.url}/v1/traces` });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const request = tracer.startRequest({
      requestId: 'req_trace_0002',
      surface: 'anthropic-messages',
      endpoint: '/v1/messages',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    request.startAttempt('anthro', 'claude-opus-4-1').end(null, 'provider_timeout');
    const leakedKey = `sk-ant-api03-${'x1Y2'.repeat(12)}`;
    request.end(
      requestLogRow({
        requestId: 'req_trace_0002',
        model: leakedKey,
        status: 504,
        outcome: 'upstream_timeout',
        errorCode: 'provider_timeout',
        errorMessage: `upstream said: invalid key ${leakedKey}`,
        ttfbMs: null,
      }),
    );
    await tracer.shutdown();
    const requestSpan = receiver.spans.find((span) => span.attributes['switchyard.request_id'] === 'req_trace_0002');
    assert.ok(requestSpan);
    assert.equal(requestSpan.traceId, traceId);
    assert.equal(requestSpan.parentSpanId, '00f067aa0ba902b7');
    assert.equal(requestSpan.name, 'chat [REDACTED:anthropic_key]');
    assert.equal(requestSpan.attributes['gen_ai.request.model'], '[REDACTED:anthropic_key]');
    assert.equal(requestSpan.attributes['error.type'], 'provider_timeout');
    assert.deepEqual(requestSpan.status, { code: 2, message: 'provider_timeout' });
    assert.ok(!JSON.stringify(receiver.spans).includes(leakedKey));
    const attempt = receiver.spans.find((span) => span.parentSpanId === requestSpan.spanId);
    assert.equal(attempt?.attributes['error.type'], 'provider_timeout');
    assert.equal(attempt?.attributes['http.response.status_code'], undefined);
  });

  test('without an endpoint the tracer is a no-op and exports nothing', async () => {
    const before = receiver.requests.length;
    const tracer = createTracer({});
    assert.equal(tracer.enabled, false);
    const request = tracer.startRequest({ requestId: 'req_noop', surface: 'openai-responses', endpoint: '/v1/responses' });
    const attempt = request.startAttempt('anthro', 'claude-opus-4-1');
    assert.equal(attempt.traceparent(), undefined);
    attempt.end(200);
    request.end(requestLogRow({ requestId: 'req_noop' }));
    await tracer.shutdown();
    assert.equal(receiver.requests.length, before);
  });
});
