import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisCoordination } from '../../src/store/redis/redis-coordination.ts';
import { RedisRateCounterStore } from '../../src/store/redis/redis-rate-counter-store.ts';
import type { WindowCheck } from '../../src/store/rate-counter-store.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../support/redis/shared-redis.ts';
import { runRateCounterContract } from './run-rate-counter-contract.ts';

// Rate counters in the shared Redis, each test under a prefix of its own.
const opened: Array<{ redis: RedisCoordination; store: RedisRateCounterStore; prefix: string }> = [];

async function open(prefix = uniquePrefix('rate'), concurrencyLeaseMs?: number): Promise<RedisRateCounterStore> {
  const redis = new RedisCoordination({ url: sharedRedisUrl, keyPrefix: prefix, onUnavailable: 'deny' });
  await redis.connected(5_000);
  const store = new RedisRateCounterStore(redis, concurrencyLeaseMs === undefined ? {} : { concurrencyLeaseMs });
  opened.push({ redis, store, prefix });
  return store;
}

after(async () => {
  for (const entry of opened) {
    entry.store.close();
    await entry.redis.close();
  }
  for (const prefix of new Set(opened.map((entry) => entry.prefix))) await deletePrefix(prefix);
});

runRateCounterContract('redis', () => open());

const rpm = (limit: number): WindowCheck => ({ kind: 'window', counter: 'key:k:requests', windowMs: 60_000, limit, amount: 1 });

test('two instances racing on one counter: exactly the limit is admitted', async () => {
  const prefix = uniquePrefix('rate-race');
  const stores = [await open(prefix), await open(prefix)];
  const now = Date.now();
  const answers = await Promise.all(Array.from({ length: 40 }, (_, index) => stores[index % 2]!.reserve([rpm(6)], now)));
  assert.equal(answers.filter((answer) => answer.ok).length, 6);
});

test('a concurrency slot of an instance that died frees itself one lease later; a live one is renewed', async () => {
  const prefix = uniquePrefix('rate-lease');
  const dying = await open(prefix, 300);
  const living = await open(prefix, 300);
  const slot = { kind: 'concurrent', counter: 'key:k:concurrent', limit: 2 } as const;
  assert.equal((await living.reserve([slot], Date.now())).ok, true);
  assert.equal((await dying.reserve([slot], Date.now())).ok, true);
  dying.close(); // stops renewing, as a killed process would
  assert.equal((await living.reserve([slot], Date.now())).ok, false, 'both slots held');
  await new Promise((resolve) => setTimeout(resolve, 600));
  const admitted = await living.reserve([slot], Date.now());
  assert.deepEqual(admitted.ok && admitted.states, [{ used: 2, resetMs: 0 }], 'the dead slot lapsed; the living one (renewed) still counts');
});
