import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entry, rule } from './spend-fixtures.ts';
import { migrateSqlite } from '../../../src/store/sqlite/migrations.ts';
import { spendMigrations } from '../../../src/store/sqlite/spend-migrations.ts';

/** Test helpers for the spend store (shared by its tests and the race worker). */

export function openSpendDatabase(path: string): Database.Database {
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 10000');
  migrateSqlite(database, spendMigrations);
  return database;
}

export function temporaryDatabasePath(): { path: string; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-spend-'));
  return { path: join(directory, 'spend.db'), cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

export { entry, rule };
