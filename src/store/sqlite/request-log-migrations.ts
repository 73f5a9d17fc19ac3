import type { SqliteMigration } from './migrations.ts';

export const requestLogMigrations: SqliteMigration[] = [
  {
    name: '001_request_logs',
    sql: `CREATE TABLE request_logs (
     request_id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     key_name TEXT,
     team TEXT,
     user_name TEXT,
     surface TEXT NOT NULL,
     endpoint TEXT NOT NULL,
     model TEXT,
     served_model TEXT,
     provider TEXT,
     stream INTEGER NOT NULL,
     status INTEGER NOT NULL,
     outcome TEXT NOT NULL,
     error_code TEXT,
     error_message TEXT,
     input_tokens INTEGER NOT NULL,
     cached_input_tokens INTEGER NOT NULL,
     cache_write_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL,
     usage_estimated INTEGER NOT NULL,
     cost_micros INTEGER NOT NULL,
     latency_ms REAL NOT NULL,
     ttfb_ms REAL,
     attempts TEXT NOT NULL,
     rule TEXT,
     warnings TEXT NOT NULL,
     request_body TEXT,
     response_body TEXT
   );
   CREATE INDEX request_logs_started ON request_logs (started_at);
   CREATE INDEX request_logs_key ON request_logs (key_name, started_at);`,
  },
  {
    // Attribution (contract §2) and experiments: who/what a request was for, which variant served.
    name: '002_request_attribution',
    sql: `ALTER TABLE request_logs ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE request_logs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE request_logs ADD COLUMN experiment TEXT;
   ALTER TABLE request_logs ADD COLUMN variant TEXT;
   CREATE INDEX request_logs_experiment ON request_logs (experiment, started_at);`,
  },
  {
    // The response cache (docs/decisions/0012): hit | miss | bypass, what a hit saved, what provider prompt caches saved.
    name: 'request_logs_cache_001',
    sql: `ALTER TABLE request_logs ADD COLUMN cache TEXT NOT NULL DEFAULT 'bypass';
   ALTER TABLE request_logs ADD COLUMN cost_saved_micros INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE request_logs ADD COLUMN prompt_cache_saved_micros INTEGER NOT NULL DEFAULT 0;`,
  },
];
