import type { SqliteMigration } from './migrations.ts';

/** The exact response cache (docs/decisions/0012): its own table and its own step names. */
export const responseCacheMigrations: SqliteMigration[] = [
  {
    name: 'response_cache_001_create',
    sql: `CREATE TABLE response_cache (
     cache_key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX response_cache_expiry ON response_cache (expires_at);`,
  },
];
