import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisCoordination } from '../../src/store/redis/redis-coordination.ts';
import { RedisSpendStore } from '../../src/store/redis/redis-spend-store.ts';
import { SqliteStorage } from '../../src/store/sqlite/sqlite-storage.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/redis/private-redis.ts';
import { entry, rule } from '../support/store/spend-fixtures.ts';

// A PRIVATE redis-server, paused (SIGSTOP: nothing answers, nothing is lost) to stand for a
// hung or partitioned Redis.
let redis: PrivateRedis;
let directory: string;

before(async () => {
  redis = await startPrivateRedis();
  directory = mkdtempSync(join(tmpdir(), 'switchyard-fail-open-'));
});

after(async () => {
  await redis.dispose();
  rmSync(directory, { recursive: true, force: true });
});

test('fail-open: what was spent while Redis did not answer reaches its counters from the ledger before the next admission', async () => {
  const storage = await SqliteStorage.open(join(directory, 'spend.db'));
  const coordination = new RedisCoordination({ url: redis.url, keyPrefix: 'fail-open:', onUnavailable: 'allow', commandTimeoutMs: 300 });
  const skipped: string[] = [];
  coordination.onFailOpen = (check) => skipped.push(check);
  await coordination.connected(5_000);
  const spend = new RedisSpendStore(storage.spend, coordination);
  const cap = rule({ subject: 'open', limitMicros: 1_000 });
  const settle = (id: string, micros: number) =>
    spend.settle({ reservationId: id, actualMicros: micros, entry: entry({ requestId: id, keyName: 'open', costMicros: micros }) });
  try {
    assert.equal((await spend.reserve({ reservationId: 'a', rules: [cap], amountMicros: 300, now: new Date() })).ok, true);
    await settle('a', 300);
    redis.pause();
    assert.equal((await spend.reserve({ reservationId: 'b', rules: [cap], amountMicros: 400, now: new Date() })).ok, true, 'admitted unchecked');
    assert.deepEqual(skipped, ['budget']);
    await settle('b', 400);
    redis.resume();
    const refused = await spend.reserve({ reservationId: 'c', rules: [cap], amountMicros: 400, now: new Date() });
    assert.equal(refused.ok, false, '300 + 400 spent + 400 more would pass the 1,000 cap (Redis alone knew only 300)');
    if (!refused.ok) assert.equal(refused.blocked.spentMicros, 700);
    assert.equal((await spend.reserve({ reservationId: 'd', rules: [cap], amountMicros: 300, now: new Date() })).ok, true);
  } finally {
    await coordination.close();
    await storage.close();
  }
});
