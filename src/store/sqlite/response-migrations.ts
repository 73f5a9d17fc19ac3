import type { SqliteMigration } from './migrations.ts';

/** Stored Responses, one row per turn; a conversation is the chain of `previous_id`s. */
export const responseMigrations: SqliteMigration[] = [
  {
    name: 'responses_001_create',
    sql: `CREATE TABLE stored_responses (
     id TEXT NOT NULL,
     scope TEXT NOT NULL,
     previous_id TEXT,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     input TEXT NOT NULL,
     response TEXT NOT NULL,
     PRIMARY KEY (scope, id)
   );
   CREATE INDEX stored_responses_expiry ON stored_responses (expires_at);`,
  },
];
