import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { renderCodexProviderToml } from '../../src/cli/codex.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { driveCodex } from '../support/agents/drive-codex.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

const masterKey = 'master-key-attribution';
const clientKey = 'sk-attribution-client';
const admin = { authorization: `Bearer ${masterKey}` };

let upstream: ResponsesEmulator;
let gateway: TestGateway;

const attributionYaml = `
attribution:
  headers: { developer: x-developer-email, repo: x-repo }
  metric_labels: [repo]
`;

before(async () => {
  upstream = await startResponsesEmulator({ respond: () => ({ text: 'Done.', usage: { input: 900, output: 40 } }) });
  gateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${upstream.url}", api_key: sk-upstream-test }
models:
  gpt: { provider: oai, model: gpt-5.5, pricing: { input: 10, output: 10 } }
keys:
  - { name: dev, key: ${clientKey} }
server: { master_key: ${masterKey} }
${attributionYaml}
budgets:
  - { scope: attribute, name: repo, value: billing, limit_usd: 100, window: day }
`);
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

/** The env_http_headers line `switchyard codex` writes for this attribution block, as a -c override. */
function codexHeaderOverride(): string {
  const toml = renderCodexProviderToml({
    url: gateway.url,
    model: 'gpt',
    catalogPath: '/dev/null',
    envHttpHeaders: { 'x-developer-email': 'SWITCHYARD_ATTR_DEVELOPER', 'x-repo': 'SWITCHYARD_ATTR_REPO' },
  });
  const line = toml.split('\n').find((candidate) => candidate.startsWith('env_http_headers = '));
  assert.ok(line, `switchyard codex wrote no env_http_headers line:\n${toml}`);
  return `model_providers.switchyard.${line.replace(' = ', '=')}`;
}

async function spendBy(group: string): Promise<Array<{ group: string; requests: number; cost_usd: number }>> {
  const answer = await fetch(`${gateway.url}/admin/spend?group_by=${group}`, { headers: admin });
  assert.equal(answer.status, 200, await answer.clone().text());
  return ((await answer.json()) as { data: Array<{ group: string; requests: number; cost_usd: number }> }).data;
}

describe('attribution from request headers', () => {
  test('the real Codex CLI sends x-repo through env_http_headers; /admin/spend?group_by=repo splits billing from search', async () => {
    const before = upstream.requests.length;
    for (const [repo, developer] of [
      ['billing', 'ana@example.com'],
      ['search', 'bo@example.com'],
    ] as const) {
      await driveCodex({
        baseUrl: `${gateway.url}/v1`,
        apiKey: clientKey,
        model: 'gpt',
        prompt: 'Say done.',
        configOverrides: [codexHeaderOverride()],
        env: { SWITCHYARD_ATTR_REPO: repo, SWITCHYARD_ATTR_DEVELOPER: developer },
      });
    }
    const sent = upstream.requests.slice(before);
    assert.ok(sent.length >= 2, 'each Codex run reached the provider');
    // The attribution headers stay at the gateway: the provider never sees them.
    assert.ok(sent.every((request) => request.headers['x-repo'] === undefined && request.headers['x-developer-email'] === undefined));

    const byRepo = await spendBy('repo');
    const billing = byRepo.find((row) => row.group === 'billing');
    const search = byRepo.find((row) => row.group === 'search');
    assert.ok(billing && search, `both repos are listed: ${JSON.stringify(byRepo)}`);
    assert.ok(billing.requests >= 1 && search.requests >= 1);
    assert.ok(billing.cost_usd > 0 && search.cost_usd > 0);
    const byDeveloper = await spendBy('developer');
    assert.deepEqual(byDeveloper.map((row) => row.group).sort(), ['ana@example.com', 'bo@example.com']);

    const logs = (await (await fetch(`${gateway.url}/admin/logs?limit=50`, { headers: admin })).json()) as {
      data: Array<{ attributes?: Record<string, string> }>;
    };
    assert.ok(
      logs.data.some((row) => row.attributes?.['repo'] === 'billing'),
      'the log row carries the attributes',
    );
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /switchyard_attributed_requests_total\{repo="billing"\} [1-9]/);
    assert.match(metrics, /switchyard_attributed_requests_total\{repo="search"\} [1-9]/);
    assert.doesNotMatch(metrics, /ana@example\.com/, 'developer is not a metric label (not in metric_labels)');
  });

  test('an unknown group_by names the attributes it could be', async () => {
    const answer = await fetch(`${gateway.url}/admin/spend?group_by=branch`, { headers: admin });
    assert.equal(answer.status, 400);
    assert.match(((await answer.json()) as { error: { message: string } }).error.message, /repo/);
  });

  test('malformed metadata and tags are refused with a 400 naming the header, before any provider call', async () => {
    const before = upstream.requests.length;
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: clientKey, maxRetries: 0 });
    for (const headers of [
      { 'x-switchyard-metadata': '{"repo":' },
      { 'x-switchyard-metadata': '["a"]' },
      { 'x-switchyard-tags': 'ok,not ok' },
      { 'x-repo': 'r'.repeat(300) },
    ]) {
      await assert.rejects(client.responses.create({ model: 'gpt', input: 'hi' }, { headers }), (error: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(error.status, 400);
        assert.equal((error.error as { param?: string }).param, Object.keys(headers)[0]);
        return true;
      });
    }
    assert.equal(upstream.requests.length, before);
  });
});

describe('a budget on an attribute value', () => {
  let budgetUpstream: ResponsesEmulator;
  let budgetGateway: TestGateway;

  before(async () => {
    budgetUpstream = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 900, output: 50 } }) });
    budgetGateway = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${budgetUpstream.url}", api_key: sk-upstream-test }
models:
  gpt: { provider: oai, model: gpt-5.5, pricing: { input: 10, output: 10 } }
keys:
  - { name: dev, key: ${clientKey} }
${attributionYaml}
budgets:
  - { scope: attribute, name: repo, value: billing, limit_usd: 0.01, mode: hard, window: day }
`);
  });

  after(async () => {
    await budgetGateway.close();
    await budgetUpstream.close();
  });

  test('blocks only that repo: billing is refused with insufficient_quota once spent, search keeps flowing', async () => {
    const client = (repo: string) => new OpenAI({ baseURL: `${budgetGateway.url}/v1`, apiKey: clientKey, maxRetries: 0, defaultHeaders: { 'x-repo': repo } });
    const ask = (repo: string) => client(repo).responses.create({ model: 'gpt', input: 'hi', max_output_tokens: 50 });
    // 950 tokens at $10/M = $0.0095: the first billing request fits, the next one's worst case does not.
    await ask('billing');
    await assert.rejects(ask('billing'), (error: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(error.status, 429);
      assert.equal((error.error as { code?: string }).code, 'insufficient_quota');
      assert.match(error.message, /repo "billing"/);
      return true;
    });
    for (let index = 0; index < 3; index++) await ask('search');
    const upstreamCalls = budgetUpstream.requests.filter((request) => request.method === 'POST').length;
    assert.equal(upstreamCalls, 4, 'one billing request and three search requests reached the provider');
  });
});
