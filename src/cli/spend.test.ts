import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { requestLogRow } from '../../test/support/observability/request-log-row.ts';
import { startObservabilityAdminServer, testMasterKey, type ObservabilityAdminServer } from '../../test/support/observability/observability-admin-server.ts';
import { formatUsd, type AdminCliIo } from './admin-api-client.ts';
import { runSpend } from './spend.ts';

function capture(server: ObservabilityAdminServer): { io: AdminCliIo; stdout: () => string } {
  let out = '';
  const io: AdminCliIo = { stdout: { write: (text: string) => (out += text) }, stderr: { write: () => {} }, env: { SWITCHYARD_MASTER_KEY: testMasterKey } };
  return { io: { ...io, env: { ...io.env, SWITCHYARD_URL: server.url } }, stdout: () => out };
}

describe('switchyard spend', () => {
  let server: ObservabilityAdminServer;
  before(async () => {
    server = await startObservabilityAdminServer();
    server.logs.append(
      requestLogRow({
        requestId: 'r1',
        startedAt: '2025-06-01T10:00:00.000Z',
        keyName: 'alice',
        costMicros: 1_250_000,
        inputTokens: 12_000,
        outputTokens: 3_000,
      }),
    );
    server.logs.append(
      requestLogRow({ requestId: 'r2', startedAt: '2025-06-02T10:00:00.000Z', keyName: 'alice', costMicros: 100_000, inputTokens: 1_000, outputTokens: 200 }),
    );
    server.logs.append(
      requestLogRow({
        requestId: 'r3',
        startedAt: '2025-06-02T11:00:00.000Z',
        keyName: 'bob',
        team: 'research',
        servedModel: 'gpt-5',
        provider: 'oai',
        costMicros: 4_567,
        inputTokens: 300,
        outputTokens: 40,
      }),
    );
  });
  after(() => server.close());

  test('prints a table by key with a total', async () => {
    const run = capture(server);
    await runSpend([], run.io);
    assert.equal(server.seen.at(-1), '/admin/spend?group_by=key');
    assert.equal(
      run.stdout(),
      [
        'Spend by key (from the request log)',
        'KEY    COST (USD)  REQUESTS  INPUT TOKENS  OUTPUT TOKENS',
        'alice      1.3500         2        13,000          3,200',
        'bob        0.0046         1           300             40',
        'TOTAL      1.3546         3        13,300          3,240',
        '',
      ].join('\n'),
    );
  });

  test('--by day --since goes to the API; --json prints its answer', async () => {
    const run = capture(server);
    await runSpend(['--by', 'day', '--since', '2025-06-02', '--json', '--url', server.url], run.io);
    assert.equal(server.seen.at(-1), '/admin/spend?group_by=day&since=2025-06-02');
    assert.deepEqual(JSON.parse(run.stdout()), {
      source: 'request_log',
      data: [{ group: '2025-06-02', cost_usd: 0.104567, requests: 2, input_tokens: 1300, output_tokens: 240, estimated_cost_usd: 0 }],
    });
  });

  test('no rows, a bad grouping, and the dollar format', async () => {
    const run = capture(server);
    await runSpend(['--by', 'team', '--since', '2030-01-01'], run.io);
    assert.equal(run.stdout(), 'Spend by team since 2030-01-01 (from the request log)\nNo spend recorded.\n');
    await assert.rejects(runSpend(['--by', 'week'], run.io), /GET \/admin\/spend: HTTP 400: group_by: "week" is not a grouping/);
    await assert.rejects(runSpend(['--bogus'], run.io), /Unknown option '--bogus'/);
    assert.deepEqual([0, 12.5, 0.0123, 0.000042].map(formatUsd), ['$0', '$12.50', '$0.0123', '$0.000042']);
  });
});
