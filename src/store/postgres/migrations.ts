import type { Pool, PoolClient } from 'pg';

/** One schema step. Names are permanent: an applied step is never edited, only followed. */
export interface PostgresMigration {
  name: string;
  sql: string;
}

/**
 * The Postgres schema, in the order the steps were added. Instants are ISO-8601 UTC text with
 * milliseconds (`toISOString`), as on SQLite, so text order is time order and both backends
 * answer the same strings; money and tokens are BIGINT; JSON values are JSONB.
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    name: 'pg_001_request_logs',
    sql: `CREATE TABLE request_logs (
     seq BIGSERIAL NOT NULL,
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
     stream BOOLEAN NOT NULL,
     status INTEGER NOT NULL,
     outcome TEXT NOT NULL,
     error_code TEXT,
     error_message TEXT,
     input_tokens BIGINT NOT NULL,
     cached_input_tokens BIGINT NOT NULL,
     cache_write_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL,
     reasoning_tokens BIGINT NOT NULL,
     usage_estimated BOOLEAN NOT NULL,
     cost_micros BIGINT NOT NULL,
     latency_ms DOUBLE PRECISION NOT NULL,
     ttfb_ms DOUBLE PRECISION,
     attempts JSONB NOT NULL,
     rule TEXT,
     warnings JSONB NOT NULL,
     request_body TEXT,
     response_body TEXT,
     attributes JSONB NOT NULL DEFAULT '{}',
     tags JSONB NOT NULL DEFAULT '[]',
     experiment TEXT,
     variant TEXT
   );
   CREATE INDEX request_logs_started ON request_logs (started_at);
   CREATE INDEX request_logs_key ON request_logs (key_name, started_at);
   CREATE INDEX request_logs_experiment ON request_logs (experiment, started_at);`,
  },
  {
    name: 'pg_002_virtual_keys',
    sql: `CREATE TABLE virtual_keys (
     seq BIGSERIAL NOT NULL,
     name TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     prefix TEXT NOT NULL,
     team TEXT,
     user_name TEXT,
     tags JSONB NOT NULL,
     models_allowed JSONB,
     aliases JSONB NOT NULL,
     budget JSONB,
     rate_limit JSONB,
     guardrails JSONB,
     expires_at TEXT,
     created_at TEXT NOT NULL,
     revoked_at TEXT,
     source TEXT NOT NULL DEFAULT 'api'
   );`,
  },
  {
    // One row per upstream attempt. (request, attempt, instant) is unique, so a replayed
    // outbox row is skipped by ON CONFLICT DO NOTHING instead of booked twice.
    name: 'pg_003_spend_ledger',
    sql: `CREATE TABLE spend_ledger (
     id BIGSERIAL PRIMARY KEY,
     request_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     key_name TEXT,
     team TEXT,
     user_name TEXT,
     tags JSONB NOT NULL,
     attributes JSONB NOT NULL DEFAULT '{}',
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     input_tokens BIGINT NOT NULL,
     cached_input_tokens BIGINT NOT NULL,
     cache_write_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL,
     reasoning_tokens BIGINT NOT NULL,
     cost_micros BIGINT NOT NULL,
     estimated BOOLEAN NOT NULL,
     reason TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (request_id, attempt, created_at)
   );
   CREATE INDEX spend_ledger_created ON spend_ledger (created_at);
   CREATE INDEX spend_ledger_key ON spend_ledger (key_name, created_at);
   CREATE INDEX spend_ledger_team ON spend_ledger (team, created_at);
   CREATE INDEX spend_ledger_user ON spend_ledger (user_name, created_at);`,
  },
  {
    name: 'pg_004_spend_counters',
    sql: `CREATE TABLE spend_counters (
     scope TEXT NOT NULL,
     subject TEXT NOT NULL,
     window_kind TEXT NOT NULL,
     window_start TEXT NOT NULL,
     spent_micros BIGINT NOT NULL,
     reserved_micros BIGINT NOT NULL,
     PRIMARY KEY (scope, subject, window_kind, window_start)
   );`,
  },
  {
    name: 'pg_005_spend_reservations',
    sql: `CREATE TABLE spend_reservations (
     reservation_id TEXT PRIMARY KEY,
     amount_micros BIGINT NOT NULL,
     windows JSONB NOT NULL,
     state TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     holder TEXT,
     run_id TEXT
   );
   CREATE INDEX spend_reservations_expiry ON spend_reservations (state, expires_at);
   CREATE INDEX spend_reservations_holder ON spend_reservations (holder, state);`,
  },
  {
    name: 'pg_006_stored_responses',
    sql: `CREATE TABLE stored_responses (
     id TEXT NOT NULL,
     scope TEXT NOT NULL,
     previous_id TEXT,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     input JSONB NOT NULL,
     response JSONB NOT NULL,
     PRIMARY KEY (scope, id)
   );
   CREATE INDEX stored_responses_expiry ON stored_responses (expires_at);`,
  },
  {
    // The exact response cache (decision 0012); expires_at in epoch milliseconds.
    name: 'pg_007_response_cache',
    sql: `CREATE TABLE response_cache (
     cache_key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     expires_at BIGINT NOT NULL
   );
   CREATE INDEX response_cache_expiry ON response_cache (expires_at);`,
  },
  {
    // The response cache's verdict and savings on the log row, and a key's cache override (decision 0012).
    name: 'pg_008_cache_columns',
    sql: `ALTER TABLE request_logs ADD COLUMN cache TEXT NOT NULL DEFAULT 'bypass';
   ALTER TABLE request_logs ADD COLUMN cost_saved_micros BIGINT NOT NULL DEFAULT 0;
   ALTER TABLE request_logs ADD COLUMN prompt_cache_saved_micros BIGINT NOT NULL DEFAULT 0;
   ALTER TABLE virtual_keys ADD COLUMN cache JSONB;`,
  },
];

/** Any fixed 64-bit number: every Switchyard instance on a database takes the same advisory lock. */
const migrationLockId = 7_316_042_025_016;

/**
 * Applies the steps not yet recorded in `schema_migrations`, each in its own transaction.
 * A session-level advisory lock is held throughout, so instances starting at once take turns:
 * the second finds every step recorded and applies nothing. Answers the names it applied.
 */
export async function migratePostgres(pool: Pool, migrations: readonly PostgresMigration[] = postgresMigrations): Promise<string[]> {
  const client = await pool.connect();
  let failed: unknown;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockId]);
    try {
      // Checked before creating, so a runtime login without CREATE rights starts on a migrated database.
      const present = (await client.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")).rows[0]!.present;
      if (!present) await client.query('CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
      const applied = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((row) => row.name));
      const done: string[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.name)) continue;
        await inTransaction(client, async () => {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [migration.name, new Date().toISOString()]);
        });
        done.push(migration.name);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLockId]);
    }
  } catch (error) {
    failed = error;
    throw error;
  } finally {
    // A connection that failed mid-way is not given back to the pool.
    client.release(failed instanceof Error ? failed : undefined);
  }
}

async function inTransaction(client: PoolClient, body: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await body();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
