import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisCoordination } from '../../src/store/redis/redis-coordination.ts';
import { RedisSpendStore } from '../../src/store/redis/redis-spend-store.ts';
import { SqliteStorage } from '../../src/store/sqlite/sqlite-storage.ts';
import { withSpendStore } from '../../src/store/with-spend-store.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../support/redis/shared-redis.ts';
import { runStoreContract } from './run-store-contract.ts';

// Budgets coordinated in Redis (the shared one, under a prefix of this test's own) over a
// SQLite ledger: the same promises as the single-instance store.
runStoreContract(
  'redis coordination over sqlite',
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-contract-redis-'));
    const path = join(directory, 'switchyard.db');
    const keyPrefix = uniquePrefix('contract');
    const opened: Array<{ storage: SqliteStorage; redis: RedisCoordination }> = [];
    const open = async () => {
      const storage = await SqliteStorage.open(path);
      const redis = new RedisCoordination({ url: sharedRedisUrl, keyPrefix, onUnavailable: 'deny' });
      await redis.connected(5_000);
      opened.push({ storage, redis });
      return withSpendStore(storage, new RedisSpendStore(storage.spend, redis, { reservationTtlMs: 60_000 }));
    };
    const storage = await open();
    return {
      storage,
      reopen: open,
      cleanup: async () => {
        for (const entry of opened) {
          await entry.storage.close();
          await entry.redis.close();
        }
        await deletePrefix(keyPrefix);
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
  { leaseMs: 60_000 },
);
