import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogQuery, RequestLogRow, Storage } from '../../store/ports.ts';
import { requestLogRow } from '../../../test/support/observability/request-log-row.ts';
import { logQueryOf, rowsBetween } from './ui-data.ts';

/** A log that answers like the SQLite one: newest first, `since` inclusive, `until` exclusive, at most `limit`. */
function logOf(rows: RequestLogRow[]): Storage {
  const query = async (filter: LogQuery) =>
    rows
      .filter((row) => (!filter.since || row.startedAt >= filter.since) && (!filter.until || row.startedAt < filter.until))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, Math.min(filter.limit ?? 100, 1000));
  return { logs: { query } } as unknown as Storage;
}

test('rowsBetween pages through more than 1000 rows, rows sharing an instant across a page boundary included, each once', async () => {
  const base = Date.parse('2026-11-10T12:00:00.000Z');
  // 2,500 rows, five per millisecond: every page boundary falls inside a run of equal instants.
  const rows = Array.from({ length: 2_500 }, (_, index) =>
    requestLogRow({ requestId: `r${index}`, startedAt: new Date(base + Math.floor(index / 5)).toISOString() }),
  );
  const found = await rowsBetween(logOf(rows), new Date(base).toISOString(), new Date(base + 10_000).toISOString());
  assert.equal(found.length, 2_500);
  assert.equal(new Set(found.map((row) => row.requestId)).size, 2_500);
  const capped = await rowsBetween(logOf(rows), new Date(base).toISOString(), new Date(base + 10_000).toISOString(), 1_200);
  assert.ok(capped.length >= 1_200 && capped.length <= 2_000, 'the cap stops the paging');
});

test('the log filters: known names only, times normalised, limit bounded', () => {
  assert.deepEqual(logQueryOf(new URLSearchParams('key=alice&team=platform&provider=oai&outcome=ok&since=2026-11-10T12:00:00%2B01:00&limit=50')), {
    limit: 50,
    key: 'alice',
    team: 'platform',
    provider: 'oai',
    outcome: 'ok',
    since: '2026-11-10T11:00:00.000Z',
  });
  assert.throws(() => logQueryOf(new URLSearchParams('colour=red')), /colour: unknown filter/);
  assert.throws(() => logQueryOf(new URLSearchParams('limit=5000')), /limit/);
  assert.throws(() => logQueryOf(new URLSearchParams('until=yesterday')), /until/);
});
