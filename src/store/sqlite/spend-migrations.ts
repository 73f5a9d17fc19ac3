import type { SqliteMigration } from './migrations.ts';

/**
 * Schema of the spend store. Money is INTEGER micro-dollars; instants are ISO-8601 UTC text
 * with milliseconds (`toISOString`), so text order is time order.
 */
export const spendMigrations: SqliteMigration[] = [
  {
    // One row per upstream attempt: the source of truth for rollups and for seeding a counter
    // that appears mid-window (a budget added to the config after spend already happened).
    name: 'spend_001_ledger',
    sql: `CREATE TABLE spend_ledger (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     key_name TEXT,
     team TEXT,
     user_name TEXT,
     tags TEXT NOT NULL,
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     input_tokens INTEGER NOT NULL,
     cached_input_tokens INTEGER NOT NULL,
     cache_write_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL,
     cost_micros INTEGER NOT NULL,
     estimated INTEGER NOT NULL,
     reason TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX spend_ledger_created ON spend_ledger (created_at);
   CREATE INDEX spend_ledger_key ON spend_ledger (key_name, created_at);
   CREATE INDEX spend_ledger_team ON spend_ledger (team, created_at);
   CREATE INDEX spend_ledger_user ON spend_ledger (user_name, created_at);
   CREATE INDEX spend_ledger_request ON spend_ledger (request_id);`,
  },
  {
    // One row per (scope, subject, window kind, window start): old windows stay as history.
    name: 'spend_002_counters',
    sql: `CREATE TABLE spend_counters (
     scope TEXT NOT NULL,
     subject TEXT NOT NULL,
     window_kind TEXT NOT NULL,
     window_start TEXT NOT NULL,
     spent_micros INTEGER NOT NULL,
     reserved_micros INTEGER NOT NULL,
     PRIMARY KEY (scope, subject, window_kind, window_start)
   ) WITHOUT ROWID;`,
  },
  {
    // Open reservations, with the exact windows they hold (settle uses these, not "now").
    // state 'expired': the holder vanished (crash) and a sweep freed its hold; a late settle
    // still bills it, but does not free the hold twice.
    name: 'spend_003_reservations',
    sql: `CREATE TABLE spend_reservations (
     reservation_id TEXT PRIMARY KEY,
     amount_micros INTEGER NOT NULL,
     windows TEXT NOT NULL,
     state TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX spend_reservations_expiry ON spend_reservations (state, expires_at);`,
  },
  {
    // Reservations are leases: `holder` is the stable id of the instance that made one and
    // `run_id` that process's run, so a restarted instance frees what its previous run held.
    name: 'spend_004_reservation_holder',
    sql: `ALTER TABLE spend_reservations ADD COLUMN holder TEXT;
   ALTER TABLE spend_reservations ADD COLUMN run_id TEXT;
   CREATE INDEX spend_reservations_holder ON spend_reservations (holder, state);`,
  },
  {
    // The request's attributes (contract §2 `attribution`): group_by=<attribute>, attribute budgets.
    name: 'spend_005_attributes',
    sql: `ALTER TABLE spend_ledger ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';`,
  },
];
