import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestLogRow } from '../../test/support/observability/request-log-row.ts';
import { startObservabilityAdminServer, testMasterKey, type ObservabilityAdminServer } from '../../test/support/observability/observability-admin-server.ts';
import type { AdminCliIo } from './admin-api-client.ts';
import { runLogs } from './logs.ts';

interface Captured {
  io: AdminCliIo;
  stdout: () => string;
  stderr: () => string;
}

function capture(server: ObservabilityAdminServer, extra: Partial<AdminCliIo> = {}): Captured {
  let out = '';
  let err = '';
  const io: AdminCliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { SWITCHYARD_URL: server.url, SWITCHYARD_MASTER_KEY: testMasterKey },
    ...extra,
  };
  return { io, stdout: () => out, stderr: () => err };
}

/** Waits (bounded) until the captured output satisfies a condition. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (condition()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('switchyard logs', () => {
  let server: ObservabilityAdminServer;
  before(async () => {
    server = await startObservabilityAdminServer();
    server.logs.append(requestLogRow({ requestId: 'req_1', startedAt: '2025-06-01T12:00:00.000Z' }));
    server.logs.append(
      requestLogRow({
        requestId: 'req_2',
        startedAt: '2025-06-01T12:00:05.000Z',
        keyName: 'bob',
        model: 'claude-sonnet',
        servedModel: 'claude-sonnet',
        status: 429,
        outcome: 'rejected_budget',
        errorCode: 'policy_budget_exceeded',
        inputTokens: 0,
        cachedInputTokens: 0,
        outputTokens: 0,
        costMicros: 0,
        latencyMs: 3.2,
      }),
    );
  });
  after(() => server.close());

  test('prints one line per request, oldest first', async () => {
    const run = capture(server);
    await runLogs([], run.io);
    assert.equal(
      run.stdout(),
      [
        '2025-06-01 12:00:00Z  alice       smart→claude-opus-4-1           ok 200                in 1200 (800 cached) out 300    $0.0123   1535ms',
        '2025-06-01 12:00:05Z  bob         claude-sonnet                   rejected_budget 429   in 0 out 0                           $0      3ms  policy_budget_exceeded',
        '',
      ].join('\n'),
    );
    assert.deepEqual(server.seen.at(-1), '/admin/logs?limit=50');
  });

  test('filters go to the API; --json prints one object per line', async () => {
    const run = capture(server);
    await runLogs(['--key', 'alice', '--model', 'smart', '--outcome', 'ok', '--limit', '5', '--json'], run.io);
    assert.equal(server.seen.at(-1), '/admin/logs?key=alice&model=smart&outcome=ok&limit=5');
    const lines = run.stdout().trim().split('\n');
    assert.equal(lines.length, 1);
    assert.deepEqual([JSON.parse(lines[0]!).request_id, JSON.parse(lines[0]!).cost_usd], ['req_1', 0.012345]);
  });

  test('the API refusal is the error message; a missing master key is named', async () => {
    const run = capture(server);
    await assert.rejects(runLogs(['--outcome', 'fine'], run.io), /GET \/admin\/logs: HTTP 400: outcome: "fine" is not an outcome/);
    await assert.rejects(runLogs(['--master-key', 'wrong'], run.io), /HTTP 401: Incorrect master key\. \(check SWITCHYARD_MASTER_KEY/);
    await assert.rejects(runLogs([], { ...run.io, env: { SWITCHYARD_URL: server.url } }), /needs the master key/);
    const empty = capture(server);
    await runLogs(['--key', 'nobody'], empty.io);
    assert.deepEqual([empty.stdout(), empty.stderr()], ['', 'No matching requests.\n']);
  });

  test('--follow prints new rows once each, oldest first, including a long request that ended late, until stopped', async () => {
    const stop = new AbortController();
    const run = capture(server, { signal: stop.signal, pollIntervalMs: 20 });
    const following = runLogs(['--follow', '--json'], run.io);
    const ids = () =>
      run
        .stdout()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).request_id as string);
    await until(() => ids().length === 2, 'the first page');
    server.logs.append(requestLogRow({ requestId: 'req_4', startedAt: '2025-06-01T12:01:00.000Z' }));
    server.logs.append(requestLogRow({ requestId: 'req_3', startedAt: '2025-06-01T12:00:30.000Z' }));
    await until(() => ids().length === 4, 'two new rows');
    // Started before the newest printed row, finished after it (a long stream).
    server.logs.append(requestLogRow({ requestId: 'req_long', startedAt: '2025-06-01T12:00:10.000Z', latencyMs: 55_000 }));
    await until(() => ids().length === 5, 'the late row');
    const polls = server.seen.filter((path) => path.includes('since='));
    await until(() => server.seen.filter((path) => path.includes('since=')).length >= polls.length + 2, 'two more polls');
    stop.abort();
    await following;
    assert.deepEqual(ids(), ['req_1', 'req_2', 'req_3', 'req_4', 'req_long']);
    assert.ok(
      server.seen.some((path) => path === '/admin/logs?since=2025-06-01T11%3A51%3A00.000Z&limit=1000'),
      'polls look back ten minutes from the newest row',
    );
  });
});

test('a response-cache hit says so on its line, with what it saved', async () => {
  const { formatLogLine } = await import('./logs.ts');
  const { viewOfLogRow } = await import('../observability/log-row-view.ts');
  const hit = formatLogLine(viewOfLogRow(requestLogRow({ cache: 'hit', costMicros: 0, costSavedMicros: 12_300 })));
  assert.match(hit, /cache hit \(saved \$0\.0123\)$/);
  assert.doesNotMatch(formatLogLine(viewOfLogRow(requestLogRow())), /cache hit/);
});
