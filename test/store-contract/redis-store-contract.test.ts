import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../../src/store/sqlite/sqlite-storage.ts';
import { redisCoordinatedBackend } from './redis-coordinated-backend.ts';
import { runStoreContract } from './run-store-contract.ts';

// Budgets coordinated in Redis (the shared one, under a prefix of this test's own) over a
// SQLite ledger: the same promises as the single-instance store.
runStoreContract(
  'redis coordination over sqlite',
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-contract-redis-'));
    const path = join(directory, 'switchyard.db');
    return redisCoordinatedBackend(
      'contract',
      () => SqliteStorage.open(path),
      async () => rmSync(directory, { recursive: true, force: true }),
    );
  },
  { leaseMs: 60_000 },
);
