import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayMetrics, metricsLabelsOf } from './metrics.ts';
import { requestLogRow } from '../../test/support/observability/request-log-row.ts';

const options = {
  knownModels: ['smart', 'claude-sonnet', 'claude-opus-4-1', 'claude-sonnet-4-5'],
  knownProviders: ['anthro', 'oai'],
  knownKeys: ['alice'],
  knownTeams: ['platform'],
};

/** The sample lines (not HELP/TYPE) of one metric family in the exposition text. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('GatewayMetrics', () => {
  test('a served request moves requests, tokens, cost, latency, ttfb and cache counters', async () => {
    const metrics = new GatewayMetrics(options);
    metrics.observeRequest(requestLogRow(), { alias: 'smart', fallbacks: 0, cache: 'miss' });
    metrics.observeRequest(requestLogRow({ requestId: 'req_2', costMicros: 1_000_000 }), { alias: 'smart', fallbacks: 0, cache: 'miss' });
    const text = await metrics.render();
    assert.deepEqual(samples(text, 'switchyard_requests_total'), [
      'switchyard_requests_total{surface="openai-responses",provider="anthro",model="smart",outcome="ok",status="200"} 2',
    ]);
    assert.deepEqual(samples(text, 'switchyard_tokens_total'), [
      'switchyard_tokens_total{provider="anthro",model="claude-opus-4-1",kind="input",key="alice",team="platform"} 2400',
      'switchyard_tokens_total{provider="anthro",model="claude-opus-4-1",kind="cached_input",key="alice",team="platform"} 1600',
      'switchyard_tokens_total{provider="anthro",model="claude-opus-4-1",kind="cache_write",key="alice",team="platform"} 200',
      'switchyard_tokens_total{provider="anthro",model="claude-opus-4-1",kind="output",key="alice",team="platform"} 600',
      'switchyard_tokens_total{provider="anthro",model="claude-opus-4-1",kind="reasoning",key="alice",team="platform"} 240',
    ]);
    assert.deepEqual(samples(text, 'switchyard_cost_usd_total'), [
      'switchyard_cost_usd_total{provider="anthro",model="claude-opus-4-1",key="alice",team="platform"} 1.012345',
    ]);
    const duration = samples(text, 'switchyard_request_duration_seconds_bucket');
    assert.equal(duration.length, 15, 'fourteen buckets from 0.05 s to 300 s, plus +Inf');
    assert.ok(duration.includes('switchyard_request_duration_seconds_bucket{le="1",surface="openai-responses",provider="anthro",model="claude-opus-4-1"} 0'));
    assert.ok(duration.includes('switchyard_request_duration_seconds_bucket{le="2",surface="openai-responses",provider="anthro",model="claude-opus-4-1"} 2'));
    assert.ok(duration.includes('switchyard_request_duration_seconds_bucket{le="300",surface="openai-responses",provider="anthro",model="claude-opus-4-1"} 2'));
    assert.deepEqual(samples(text, 'switchyard_request_duration_seconds_sum'), [
      'switchyard_request_duration_seconds_sum{surface="openai-responses",provider="anthro",model="claude-opus-4-1"} 3.069',
    ]);
    assert.ok(
      samples(text, 'switchyard_time_to_first_byte_seconds_bucket').includes(
        'switchyard_time_to_first_byte_seconds_bucket{le="0.5",surface="openai-responses",provider="anthro",model="claude-opus-4-1"} 2',
      ),
    );
    assert.deepEqual(samples(text, 'switchyard_cache_results_total'), ['switchyard_cache_results_total{result="miss"} 2']);
    assert.deepEqual(samples(text, 'switchyard_errors_total'), []);
    assert.deepEqual(samples(text, 'switchyard_fallbacks_total'), []);
  });

  test('cost and tokens carry the key and team, bounded to the names the config declares', async () => {
    const metrics = new GatewayMetrics(options);
    metrics.observeRequest(requestLogRow({ costMicros: 1_000_000 }), { fallbacks: 0, cache: 'miss' });
    // Keys made through the admin API (and their teams) are unbounded: they fold into `other`.
    metrics.observeRequest(requestLogRow({ requestId: 'r2', keyName: 'key-1a2b', team: 'temp-team', costMicros: 2_000_000 }), { fallbacks: 0, cache: 'miss' });
    metrics.observeRequest(requestLogRow({ requestId: 'r3', keyName: null, team: null, costMicros: 3_000_000 }), { fallbacks: 0, cache: 'miss' });
    const text = await metrics.render();
    assert.deepEqual(samples(text, 'switchyard_cost_usd_total'), [
      'switchyard_cost_usd_total{provider="anthro",model="claude-opus-4-1",key="alice",team="platform"} 1',
      'switchyard_cost_usd_total{provider="anthro",model="claude-opus-4-1",key="other",team="other"} 2',
      'switchyard_cost_usd_total{provider="anthro",model="claude-opus-4-1",key="none",team="none"} 3',
    ]);
    assert.ok(
      samples(text, 'switchyard_tokens_total').includes(
        'switchyard_tokens_total{provider="anthro",model="claude-opus-4-1",kind="output",key="other",team="other"} 300',
      ),
    );
    metrics.allowLabels({ knownModels: [], knownProviders: [], knownKeys: ['key-1a2b'], knownTeams: [] });
    metrics.observeRequest(requestLogRow({ requestId: 'r4', keyName: 'key-1a2b', team: 'temp-team', costMicros: 4_000_000 }), { fallbacks: 0, cache: 'miss' });
    assert.ok(
      samples(await metrics.render(), 'switchyard_cost_usd_total').includes(
        'switchyard_cost_usd_total{provider="anthro",model="claude-opus-4-1",key="key-1a2b",team="other"} 4',
      ),
    );
  });

  test('metricsLabelsOf: config keys and the teams of keys and team budgets', () => {
    const labels = metricsLabelsOf({
      providers: {},
      models: {},
      keys: [{ name: 'ci', hash: 'x', team: 'build', tags: [], aliases: {} }],
      budgets: [{ scope: 'team', name: 'research', limitUsd: 1, window: 'month', mode: 'hard', warnAt: 0.8, weekStartsOn: 1, monthStartsOn: 1 }],
    });
    assert.deepEqual(labels.knownKeys, ['ci']);
    assert.deepEqual(labels.knownTeams, ['build', 'research']);
  });

  test('rejections count as requests and errors but not as latency; unknown names become other/none', async () => {
    const metrics = new GatewayMetrics(options);
    const rejected = requestLogRow({
      model: 'totally-made-up-model-1234',
      servedModel: null,
      provider: null,
      status: 404,
      outcome: 'rejected_model',
      errorCode: 'policy_model_not_found',
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      costMicros: 0,
      ttfbMs: null,
      attempts: [],
    });
    metrics.observeRequest(rejected, { fallbacks: 0, cache: 'bypass' });
    metrics.observeRequest(requestLogRow({ provider: 'rogue', servedModel: 'gpt-9', status: 0, surface: 'smtp' }), { fallbacks: 0, cache: 'hit' });
    const text = await metrics.render();
    assert.deepEqual(samples(text, 'switchyard_requests_total'), [
      'switchyard_requests_total{surface="openai-responses",provider="none",model="other",outcome="rejected_model",status="404"} 1',
      'switchyard_requests_total{surface="other",provider="other",model="smart",outcome="ok",status="other"} 1',
    ]);
    assert.deepEqual(samples(text, 'switchyard_errors_total'), ['switchyard_errors_total{code="policy_model_not_found"} 1']);
    assert.deepEqual(samples(text, 'switchyard_request_duration_seconds_count'), [
      'switchyard_request_duration_seconds_count{surface="other",provider="other",model="other"} 1',
    ]);
    assert.deepEqual(samples(text, 'switchyard_cache_results_total'), [
      'switchyard_cache_results_total{result="bypass"} 1',
      'switchyard_cache_results_total{result="hit"} 1',
    ]);
    assert.ok(!text.includes('totally-made-up'), 'an unknown model name never becomes a label value');
    assert.ok(!text.includes('req_0000'), 'request ids never become label values');
  });

  test('fallbacks count under the alias; errors outside the vocabulary are other', async () => {
    const metrics = new GatewayMetrics(options);
    metrics.observeRequest(requestLogRow({ status: 502, outcome: 'upstream_error', errorCode: 'provider_error' }), {
      alias: 'smart',
      fallbacks: 2,
      cache: 'miss',
    });
    metrics.observeRequest(requestLogRow({ errorCode: 'made_up_code' }), { alias: 'not-configured', fallbacks: 1, cache: 'miss' });
    const text = await metrics.render();
    assert.deepEqual(samples(text, 'switchyard_fallbacks_total'), [
      'switchyard_fallbacks_total{alias="smart"} 2',
      'switchyard_fallbacks_total{alias="other"} 1',
    ]);
    assert.deepEqual(samples(text, 'switchyard_errors_total'), ['switchyard_errors_total{code="provider_error"} 1', 'switchyard_errors_total{code="other"} 1']);
  });

  test('budget gauges, warnings and in-flight; subjects past the cap are dropped', async () => {
    const metrics = new GatewayMetrics({ ...options, maxBudgetSubjects: 2 });
    metrics.setBudgetUsage('key', 'alice', 0.5);
    metrics.setBudgetUsage('team', 'platform', 0.85);
    metrics.setBudgetUsage('key', 'alice', 0.75);
    metrics.setBudgetUsage('key', 'bob', 0.1);
    metrics.countBudgetWarning('team');
    metrics.countBudgetWarning('team');
    metrics.setInflight(3);
    metrics.setInflight(2);
    const text = await metrics.render();
    assert.deepEqual(samples(text, 'switchyard_budget_used_ratio'), [
      'switchyard_budget_used_ratio{scope="key",subject="alice"} 0.75',
      'switchyard_budget_used_ratio{scope="team",subject="platform"} 0.85',
    ]);
    assert.deepEqual(samples(text, 'switchyard_budget_warnings_total'), ['switchyard_budget_warnings_total{scope="team"} 2']);
    assert.deepEqual(samples(text, 'switchyard_inflight_requests'), ['switchyard_inflight_requests 2']);
  });

  test('two instances keep separate registries (no global default registry)', async () => {
    const first = new GatewayMetrics(options);
    const second = new GatewayMetrics({ ...options, processMetrics: true });
    first.observeRequest(requestLogRow(), { fallbacks: 0, cache: 'miss' });
    assert.equal(samples(await second.render(), 'switchyard_requests_total').length, 0);
    assert.equal(samples(await first.render(), 'switchyard_requests_total').length, 1);
    assert.match(await second.render(), /^process_cpu_user_seconds_total \d/m);
    assert.ok(!(await first.render()).includes('process_cpu_user_seconds_total'));
    assert.match(first.contentType, /^text\/plain; version=0\.0\.4/);
  });

  test('metricsLabelsOf takes aliases, target models and provider/model names from config', () => {
    const labels = metricsLabelsOf({
      providers: { anthro: {} as never, oai: {} as never },
      models: {
        smart: {
          alias: 'smart',
          strategy: 'failover',
          targets: [
            { provider: 'anthro', model: 'claude-opus-4-1', weight: 1 },
            { provider: 'oai', model: 'gpt-5', weight: 1 },
          ],
        },
      },
    });
    assert.deepEqual(labels, {
      knownModels: ['smart', 'claude-opus-4-1', 'anthro/claude-opus-4-1', 'gpt-5', 'oai/gpt-5'],
      knownProviders: ['anthro', 'oai'],
      knownKeys: [],
      knownTeams: [],
    });
  });
});
