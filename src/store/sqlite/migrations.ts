import type Database from 'better-sqlite3';
import { requestLogMigrations } from './request-log-migrations.ts';

/** One schema step. Names are permanent: an applied step is never edited, only followed. */
export interface SqliteMigration {
  name: string;
  sql: string;
}

/**
 * Every store contributes its own ordered steps; `schema_migrations` records which ran, so
 * stores can be added independently and an existing database only runs what is new.
 */
const allMigrations: SqliteMigration[] = [...requestLogMigrations];

export function migrateSqlite(database: Database.Database, migrations: readonly SqliteMigration[] = allMigrations): void {
  database.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set((database.prepare('SELECT name FROM schema_migrations').all() as Array<{ name: string }>).map((row) => row.name));
  const record = database.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    database.transaction(() => {
      database.exec(migration.sql);
      record.run(migration.name, new Date().toISOString());
    })();
  }
}
