import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStorage } from '../../src/store/postgres/postgres-storage.ts';
import { RedisCoordination } from '../../src/store/redis/redis-coordination.ts';
import { RedisSpendStore } from '../../src/store/redis/redis-spend-store.ts';
import { withSpendStore } from '../../src/store/with-spend-store.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../support/redis/shared-redis.ts';
import { createTestDatabase } from '../support/postgres/shared-postgres.ts';
import { runStoreContract } from './run-store-contract.ts';

// Each backend of the suite is its own freshly created database on the shared server, dropped at the end.
runStoreContract(
  'postgres (pool, own database)',
  async () => {
    const database = await createTestDatabase('contract');
    const outboxDir = mkdtempSync(join(tmpdir(), 'switchyard-contract-pg-'));
    const opened = [await PostgresStorage.open(database.url, { outboxDir })];
    return {
      storage: opened[0]!,
      reopen: async () => {
        const storage = await PostgresStorage.open(database.url, { outboxDir });
        opened.push(storage);
        return storage;
      },
      cleanup: async () => {
        for (const storage of opened) await storage.close().catch(() => undefined);
        await database.drop();
        rmSync(outboxDir, { recursive: true, force: true });
      },
    };
  },
  { leaseMs: 60_000 },
);

// Budgets coordinated in Redis (the shared one, under this run's own prefix) over a Postgres
// ledger: what several instances with `coordination.url` run.
runStoreContract(
  'redis coordination over postgres',
  async () => {
    const database = await createTestDatabase('contract_redis');
    const outboxDir = mkdtempSync(join(tmpdir(), 'switchyard-contract-pg-redis-'));
    const keyPrefix = uniquePrefix('contract-pg');
    const opened: Array<{ storage: PostgresStorage; redis: RedisCoordination }> = [];
    const open = async () => {
      const storage = await PostgresStorage.open(database.url, { outboxDir });
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
          await entry.storage.close().catch(() => undefined);
          await entry.redis.close();
        }
        await deletePrefix(keyPrefix);
        await database.drop();
        rmSync(outboxDir, { recursive: true, force: true });
      },
    };
  },
  { leaseMs: 60_000 },
);
