import type { SqliteMigration } from './migrations.ts';

/**
 * The virtual key table. `hash` is UNIQUE, which also gives the index every authenticated
 * request looks up; the secret itself has no column anywhere.
 */
export const virtualKeyMigrations: SqliteMigration[] = [
  {
    name: 'virtual_keys_001_create',
    sql: `CREATE TABLE virtual_keys (
     name TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     team TEXT,
     user_name TEXT,
     tags TEXT NOT NULL,
     models_allowed TEXT,
     aliases TEXT NOT NULL,
     budget TEXT,
     rate_limit TEXT,
     expires_at TEXT,
     created_at TEXT NOT NULL,
     revoked_at TEXT,
     source TEXT NOT NULL DEFAULT 'api'
   );`,
  },
  // A key's guardrails override (JSON, the runtime spelling); NULL: none, the team's or the global one applies.
  { name: 'virtual_keys_002_guardrails', sql: 'ALTER TABLE virtual_keys ADD COLUMN guardrails TEXT;' },
  // A key's response-cache override (JSON, the runtime spelling; docs/decisions/0012); NULL: none.
  { name: 'virtual_keys_cache_001', sql: 'ALTER TABLE virtual_keys ADD COLUMN cache TEXT;' },
];
