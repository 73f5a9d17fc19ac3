import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '../../src/store/sqlite/sqlite-storage.ts';
import { runStoreContract } from './run-store-contract.ts';

runStoreContract(
  'sqlite (worker thread, file)',
  async () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-contract-'));
    const path = join(directory, 'switchyard.db');
    const storage = await SqliteStorage.open(path);
    let last = storage;
    return {
      storage,
      reopen: async () => (last = await SqliteStorage.open(path)),
      cleanup: async () => {
        await storage.close();
        await last.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  },
  { leaseMs: 60_000 },
);
