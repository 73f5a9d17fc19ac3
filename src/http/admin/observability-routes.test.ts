import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayMetrics } from '../../observability/metrics.ts';
import { requestLogRow } from '../../../test/support/observability/request-log-row.ts';
import { startObservabilityAdminServer, testMasterKey, type ObservabilityAdminServer } from '../../../test/support/observability/observability-admin-server.ts';
import type { SpendRollupQuery } from '../../store/spend-store.ts';

type Json = Record<string, any>;

async function get(
  server: ObservabilityAdminServer,
  path: string,
  token: string | null = testMasterKey,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(`${server.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : { text }, headers: response.headers };
}

const leakedKey = `sk-proj-${'Ab3dE5fG7hJ9'.repeat(6)}`;

describe('GET /admin/logs and /admin/spend', () => {
  let server: ObservabilityAdminServer;
  before(async () => {
    server = await startObservabilityAdminServer();
    server.logs.append(requestLogRow({ requestId: 'req_a', startedAt: '2025-06-01T10:00:00.000Z', keyName: 'alice', costMicros: 250_000 }));
    server.logs.append(
      requestLogRow({
        requestId: 'req_b',
        startedAt: '2025-06-01T11:00:00.000Z',
        keyName: 'bob',
        team: 'research',
        model: 'claude-sonnet',
        servedModel: 'claude-sonnet-4-5',
        status: 502,
        outcome: 'upstream_error',
        errorCode: 'provider_error',
        errorMessage: `upstream echoed ${leakedKey}`,
        costMicros: 0,
        usageEstimated: true,
        warnings: ['reasoning_dropped: the target has no reasoning'],
        rule: 'coding',
        requestBody: `{"input":"key ${leakedKey}"}`,
        attempts: [{ provider: 'anthro', model: 'claude-sonnet-4-5', status: 502, outcome: 'upstream_error', latencyMs: 900, errorCode: 'provider_error' }],
      }),
    );
    server.logs.append(
      requestLogRow({ requestId: 'req_c', startedAt: '2025-06-02T09:00:00.000Z', keyName: 'alice', costMicros: 1_500_000, inputTokens: 10, outputTokens: 2 }),
    );
    server.logs.append(
      requestLogRow({
        requestId: 'req_d',
        startedAt: '2025-06-02T09:30:00.000Z',
        keyName: null,
        team: null,
        provider: null,
        servedModel: null,
        model: 'nope',
        status: 401,
        outcome: 'rejected_auth',
        errorCode: 'policy_invalid_api_key',
        costMicros: 0,
      }),
    );
  });
  after(() => server.close());

  test('master key only, answered in the OpenAI error shape with a request id', async () => {
    for (const token of [null, 'wrong-master-key']) {
      const result = await get(server, '/admin/logs', token);
      assert.equal(result.status, 401);
      assert.equal(result.body.error.message, 'Incorrect master key.');
      assert.match(result.headers.get('x-request-id') ?? '', /^req_/);
    }
    assert.equal((await get(server, '/admin/keys')).body.text, 'not observability');
  });

  test('logs come newest first as snake_case rows with cost in dollars', async () => {
    const result = await get(server, '/admin/logs');
    assert.equal(result.status, 200);
    assert.equal(result.headers.get('cache-control'), 'no-store');
    assert.deepEqual(
      result.body.data.map((row: Json) => row.request_id),
      ['req_d', 'req_c', 'req_b', 'req_a'],
    );
    const row = result.body.data[2];
    assert.deepEqual(row, {
      request_id: 'req_b',
      started_at: '2025-06-01T11:00:00.000Z',
      key_name: 'bob',
      team: 'research',
      user: null,
      surface: 'openai-responses',
      endpoint: '/v1/responses',
      model: 'claude-sonnet',
      served_model: 'claude-sonnet-4-5',
      provider: 'anthro',
      stream: true,
      status: 502,
      outcome: 'upstream_error',
      error_code: 'provider_error',
      error_message: 'upstream echoed [REDACTED:openai_key]',
      input_tokens: 1200,
      cached_input_tokens: 800,
      cache_write_tokens: 100,
      output_tokens: 300,
      reasoning_tokens: 120,
      usage_estimated: true,
      cost_usd: 0,
      latency_ms: 1534.5,
      ttfb_ms: 420.25,
      attempts: [{ provider: 'anthro', model: 'claude-sonnet-4-5', status: 502, outcome: 'upstream_error', latency_ms: 900, error_code: 'provider_error' }],
      rule: 'coding',
      attributes: { repo: 'billing' },
      tags: ['nightly'],
      experiment: null,
      variant: null,
      cache: 'bypass',
      cost_saved_usd: 0,
      prompt_cache_saved_usd: 0,
      warnings: ['reasoning_dropped: the target has no reasoning'],
    });
    assert.equal(result.body.data[1].cost_usd, 1.5);
  });

  test('filters: key, model (requested or served), outcome, since, limit; bodies only on request and redacted', async () => {
    const ids = async (query: string) => (await get(server, `/admin/logs?${query}`)).body.data.map((row: Json) => row.request_id);
    assert.deepEqual(await ids('key=alice'), ['req_c', 'req_a']);
    assert.deepEqual(await ids('model=claude-sonnet-4-5'), ['req_b']);
    assert.deepEqual(await ids('model=smart&outcome=ok'), ['req_c', 'req_a']);
    assert.deepEqual(await ids('outcome=rejected_auth'), ['req_d']);
    assert.deepEqual(await ids('since=2025-06-01T11:00:00Z'), ['req_d', 'req_c', 'req_b']);
    assert.deepEqual(await ids('since=2025-06-02T10:00:00%2B01:00'), ['req_d', 'req_c'], 'an offset is normalized before the text compare');
    assert.deepEqual(await ids('limit=1'), ['req_d']);
    assert.deepEqual(await ids('key=&model=&outcome=&since=&limit='), ['req_d', 'req_c', 'req_b', 'req_a'], 'empty parameters are absent');
    const plain = (await get(server, '/admin/logs?key=bob')).body.data[0];
    assert.equal('request_body' in plain, false);
    const withBodies = (await get(server, '/admin/logs?key=bob&bodies=true')).body.data[0];
    assert.equal(withBodies.request_body, '{"input":"key [REDACTED:openai_key]"}');
    assert.equal(withBodies.response_body, null);
  });

  test('bad parameters are a 400 naming the parameter', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/admin/logs?outcome=fine', 'outcome', /outcome: "fine" is not an outcome \(one of ok, invalid_request,/],
      ['/admin/logs?limit=0', 'limit', /limit: "0" must be a whole number from 1 to 1000/],
      ['/admin/logs?limit=5000', 'limit', /limit/],
      ['/admin/logs?limit=ten', 'limit', /limit/],
      ['/admin/logs?since=yesterday', 'since', /since: "yesterday" is not an ISO date/],
      ['/admin/logs?modle=smart', 'modle', /modle: unknown query parameter/],
      ['/admin/logs?key=a&key=b', 'key', /key: give it once/],
      ['/admin/spend?group_by=tag', 'group_by', /group_by: "tag" is not a grouping \(one of key, team, model, day, user, provider\)/],
      ['/admin/spend?group_by=week', 'group_by', /group_by/],
      ['/admin/spend?until=soon', 'until', /until/],
    ];
    for (const [path, param, message] of cases) {
      const result = await get(server, path);
      assert.equal(result.status, 400, path);
      assert.equal(result.body.error.param, param, path);
      assert.equal(result.body.error.type, 'invalid_request_error', path);
      assert.match(result.body.error.message, message, path);
    }
  });

  test('only GET: another method is a 405 with Allow', async () => {
    const response = await fetch(`${server.url}/admin/logs`, { method: 'DELETE', headers: { authorization: `Bearer ${testMasterKey}` } });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET');
  });

  test('spend rolls the request log up by key (default), team, model and day', async () => {
    const spend = async (query: string) => (await get(server, `/admin/spend${query}`)).body;
    assert.deepEqual(await spend(''), {
      source: 'request_log',
      data: [
        { group: 'alice', cost_usd: 1.75, requests: 2, input_tokens: 1210, output_tokens: 302, estimated_cost_usd: 0 },
        { group: 'bob', cost_usd: 0, requests: 1, input_tokens: 1200, output_tokens: 300, estimated_cost_usd: 0 },
      ],
    });
    assert.deepEqual(
      (await spend('?group_by=team')).data.map((row: Json) => [row.group, row.cost_usd, row.requests]),
      [
        ['platform', 1.75, 2],
        ['research', 0, 1],
      ],
    );
    assert.deepEqual(
      (await spend('?group_by=model')).data.map((row: Json) => [row.group, row.cost_usd]),
      [
        ['claude-opus-4-1', 1.75],
        ['claude-sonnet-4-5', 0],
      ],
    );
    assert.deepEqual(
      (await spend('?group_by=day')).data.map((row: Json) => [row.group, row.cost_usd, row.requests]),
      [
        ['2025-06-01', 0.25, 2],
        ['2025-06-02', 1.5, 1],
      ],
    );
    assert.deepEqual(
      (await spend('?group_by=day&since=2025-06-02')).data.map((row: Json) => row.group),
      ['2025-06-02'],
    );
  });
});

test('/admin/spend prefers the spend ledger when one is given (and then offers tag)', async () => {
  const asked: SpendRollupQuery[] = [];
  const ledger = {
    rollup: async (query: SpendRollupQuery) => {
      asked.push(query);
      return [{ group: 'ci', costMicros: 3_250_000, requests: 4, inputTokens: 40, outputTokens: 8, estimatedMicros: 250_000 }];
    },
  };
  const server = await startObservabilityAdminServer({ spend: ledger });
  try {
    const result = await get(server, '/admin/spend?group_by=tag&since=2025-06-01&until=2025-07-01T00:00:00%2B02:00');
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, {
      source: 'ledger',
      data: [{ group: 'ci', cost_usd: 3.25, requests: 4, input_tokens: 40, output_tokens: 8, estimated_cost_usd: 0.25 }],
    });
    assert.deepEqual(asked, [{ groupBy: 'tag', since: '2025-06-01T00:00:00.000Z', until: '2025-06-30T22:00:00.000Z' }]);
  } finally {
    await server.close();
  }
});

test('GET /metrics answers the Prometheus text of the given registry', async () => {
  const metrics = new GatewayMetrics({ knownModels: ['smart'], knownProviders: ['anthro'] });
  metrics.observeRequest(requestLogRow(), { fallbacks: 0, cache: 'miss' });
  const server = await startObservabilityAdminServer({ metrics });
  try {
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /^switchyard_requests_total\{surface="openai-responses",provider="anthro",model="smart",outcome="ok",status="200"\} 1$/m);
    assert.match(text, /^# TYPE switchyard_request_duration_seconds histogram$/m);
  } finally {
    await server.close();
  }
});
