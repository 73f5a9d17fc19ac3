import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { requestLogRow } from '../../../test/support/observability/request-log-row.ts';
import { migrateSqlite } from './migrations.ts';
import { requestLogMigrations } from './request-log-migrations.ts';
import { SqliteRequestLogStore } from './request-log-store.ts';

describe('SqliteRequestLogStore.rollup', () => {
  let database: Database.Database;
  let store: SqliteRequestLogStore;
  beforeEach(() => {
    database = new Database(':memory:');
    migrateSqlite(database, requestLogMigrations);
    store = new SqliteRequestLogStore(database);
    const rows = [
      requestLogRow({
        requestId: 'r1',
        startedAt: '2025-06-01T08:00:00.000Z',
        keyName: 'alice',
        team: 'platform',
        costMicros: 1_000_000,
        inputTokens: 100,
        outputTokens: 10,
      }),
      requestLogRow({
        requestId: 'r2',
        startedAt: '2025-06-01T23:59:59.999Z',
        keyName: 'alice',
        team: 'platform',
        costMicros: 500_000,
        inputTokens: 50,
        outputTokens: 5,
        usageEstimated: true,
      }),
      requestLogRow({
        requestId: 'r3',
        startedAt: '2025-06-02T00:00:00.000Z',
        keyName: 'bob',
        team: null,
        user: 'bob@example.com',
        servedModel: 'gpt-5',
        provider: 'oai',
        costMicros: 2_000_000,
        inputTokens: 200,
        outputTokens: 20,
      }),
      // Routed but failed before any usage: a request, no cost.
      requestLogRow({
        requestId: 'r4',
        startedAt: '2025-06-02T10:00:00.000Z',
        keyName: null,
        team: null,
        servedModel: null,
        model: 'smart',
        costMicros: 0,
        inputTokens: 0,
        outputTokens: 0,
        status: 502,
        outcome: 'upstream_error',
      }),
      // Rejected before routing: not spend.
      requestLogRow({
        requestId: 'r5',
        startedAt: '2025-06-02T11:00:00.000Z',
        keyName: 'alice',
        provider: null,
        servedModel: null,
        model: 'nonsense',
        costMicros: 0,
        status: 404,
        outcome: 'rejected_model',
      }),
    ];
    for (const row of rows) store.append(row);
  });
  afterEach(() => database.close());

  const summary = (rows: Awaited<ReturnType<SqliteRequestLogStore['rollup']>>) =>
    rows.map((row) => [row.group, row.costMicros, row.requests, row.inputTokens, row.outputTokens, row.estimatedMicros]);

  test('groups by key, team, user, model and provider, costliest first; rejections are left out', async () => {
    // Queued rows are written before the rollup reads (no flush needed).
    assert.deepEqual(summary(await store.rollup({ groupBy: 'key' })), [
      ['bob', 2_000_000, 1, 200, 20, 0],
      ['alice', 1_500_000, 2, 150, 15, 500_000],
      ['(none)', 0, 1, 0, 0, 0],
    ]);
    assert.deepEqual(summary(await store.rollup({ groupBy: 'team' })), [
      ['(none)', 2_000_000, 2, 200, 20, 0],
      ['platform', 1_500_000, 2, 150, 15, 500_000],
    ]);
    assert.deepEqual(summary(await store.rollup({ groupBy: 'user' })), [
      ['bob@example.com', 2_000_000, 1, 200, 20, 0],
      ['(none)', 1_500_000, 3, 150, 15, 500_000],
    ]);
    assert.deepEqual(summary(await store.rollup({ groupBy: 'model' })), [
      ['gpt-5', 2_000_000, 1, 200, 20, 0],
      ['claude-opus-4-1', 1_500_000, 2, 150, 15, 500_000],
      ['smart', 0, 1, 0, 0, 0],
    ]);
    assert.deepEqual(summary(await store.rollup({ groupBy: 'provider' })), [
      ['oai', 2_000_000, 1, 200, 20, 0],
      ['anthro', 1_500_000, 3, 150, 15, 500_000],
    ]);
  });

  test('day groups by UTC date in order; since is inclusive and until exclusive, in any ISO form', async () => {
    assert.deepEqual(summary(await store.rollup({ groupBy: 'day' })), [
      ['2025-06-01', 1_500_000, 2, 150, 15, 500_000],
      ['2025-06-02', 2_000_000, 2, 200, 20, 0],
    ]);
    assert.deepEqual(summary(await store.rollup({ groupBy: 'key', since: '2025-06-02' })), [
      ['bob', 2_000_000, 1, 200, 20, 0],
      ['(none)', 0, 1, 0, 0, 0],
    ]);
    // 01:59:59.999+02:00 is 23:59:59.999Z: r2 is at that instant, so an exclusive until drops it.
    assert.deepEqual(summary(await store.rollup({ groupBy: 'day', since: '2025-06-01T09:00:00+01:00', until: '2025-06-02T01:59:59.999+02:00' })), [
      ['2025-06-01', 1_000_000, 1, 100, 10, 0],
    ]);
  });

  test('tag and bad dates are refused', async () => {
    await assert.rejects(store.rollup({ groupBy: 'tag' }), /cannot group by "tag"/);
    await assert.rejects(store.rollup({ groupBy: 'key', since: 'yesterday' }), /since is not a date: yesterday/);
  });

  test('query still answers newest first', async () => {
    assert.deepEqual(
      (await store.query({ limit: 3 })).map((row) => row.requestId),
      ['r5', 'r4', 'r3'],
    );
  });
});
