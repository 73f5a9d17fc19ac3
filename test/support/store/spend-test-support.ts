import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BudgetRule, SpendLedgerEntry } from '../../../src/store/spend-store.ts';
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

export function rule(overrides: Partial<BudgetRule> = {}): BudgetRule {
  return {
    scope: 'key',
    subject: 'alice',
    limitMicros: 1_000_000,
    window: 'month',
    mode: 'hard',
    warnAt: 0.8,
    weekStartsOn: 1,
    monthStartsOn: 1,
    ...overrides,
  };
}

export function entry(overrides: Partial<SpendLedgerEntry> = {}): SpendLedgerEntry {
  return {
    requestId: 'request-1',
    attempt: 1,
    keyName: 'alice',
    team: 'platform',
    user: 'alice@example.com',
    tags: [],
    provider: 'anthro',
    model: 'claude-sonnet-4-5',
    inputTokens: 100,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 50,
    reasoningTokens: 0,
    costMicros: 0,
    estimated: false,
    reason: 'completed',
    createdAt: '2026-11-10T12:00:00.000Z',
    ...overrides,
  };
}
