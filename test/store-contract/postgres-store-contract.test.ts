import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStorage } from '../../src/store/postgres/postgres-storage.ts';
import { createTestDatabase } from '../support/postgres/shared-postgres.ts';
import { redisCoordinatedBackend } from './redis-coordinated-backend.ts';
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
// ledger (see redisCoordinatedBackend).
runStoreContract(
  'redis coordination over postgres',
  async () => {
    const database = await createTestDatabase('contract_redis');
    const outboxDir = mkdtempSync(join(tmpdir(), 'switchyard-contract-pg-redis-'));
    return redisCoordinatedBackend(
      'contract-pg',
      () => PostgresStorage.open(database.url, { outboxDir }),
      async () => {
        await database.drop();
        rmSync(outboxDir, { recursive: true, force: true });
      },
    );
  },
  { leaseMs: 60_000 },
);
