import type Database from 'better-sqlite3';
import { requestLogMigrations } from './request-log-migrations.ts';
import { virtualKeyMigrations } from './virtual-key-migrations.ts';
import { spendMigrations } from './spend-migrations.ts';
import { responseMigrations } from './response-migrations.ts';
import { responseCacheMigrations } from './response-cache-migrations.ts';

/** One schema step. Names are permanent: an applied step is never edited, only followed. */
export interface SqliteMigration {
  name: string;
  sql: string;
}

/**
 * Every store contributes its own ordered steps; `schema_migrations` records which ran, so
 * stores can be added independently and an existing database only runs what is new.
 */
const allMigrations: SqliteMigration[] = [
  ...requestLogMigrations,
  ...virtualKeyMigrations,
  ...spendMigrations,
  ...responseMigrations,
  ...responseCacheMigrations,
];

export function migrateSqlite(database: Database.Database, migrations: readonly SqliteMigration[] = allMigrations): void {
  database.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set((database.prepare('SELECT name FROM schema_migrations').all() as Array<{ name: string }>).map((row) => row.name));
  const record = database.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  const isApplied = database.prepare('SELECT 1 FROM schema_migrations WHERE name = ?');
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    // IMMEDIATE takes the write lock first, and the re-check inside makes two processes
    // starting on one file at once apply each step exactly once.
    database
      .transaction(() => {
        if (isApplied.get(migration.name)) return;
        database.exec(migration.sql);
        record.run(migration.name, new Date().toISOString());
      })
      .immediate();
  }
}
