import type { PoolClient } from 'pg';
import { counterKey, crossedWindows, type Billed, type HeldWindow } from '../held-windows.ts';
import { ledgerColumns, ledgerColumnTypes, PostgresSpendLedger } from './spend-ledger.ts';

/**
 * The budget counter rows of the Postgres spend store: reading them (locked in one fixed order,
 * or seeded from the ledger when absent), billing an amount against them, and writing them back.
 */

export interface Counter {
  scope: string;
  subject: string;
  window: string;
  windowStart: string;
  spent: number;
  reserved: number;
}

/** `INSERT INTO spend_ledger … SELECT $first… WHERE condition`, idempotent: the ledger row of a one-statement write. */
export function ledgerInsertWhen(condition: string, first: number): string {
  const values = ledgerColumnTypes.map((type, index) => `$${first + index}::${type}`);
  return `INSERT INTO spend_ledger (${ledgerColumns.join(', ')}) SELECT ${values.join(', ')} WHERE ${condition}
    ON CONFLICT (request_id, attempt, created_at) DO NOTHING`;
}

/** What a bill crossed (the warn line, the cap) and where each window stands after it. */

/** The crossings and levels of windows that all share one counter, which went from `before` to `before + amount`. */
export function crossings(held: HeldWindow[], before: number, amount: number): Billed {
  return crossedWindows(held, new Map(held.map((window) => [counterKey(window), before])), amount);
}

/** Adds `amount` to spent and frees `hold` from reserved, once per distinct counter; answers the crossings and levels. */
export async function bill(client: PoolClient, held: HeldWindow[], amount: number, hold: number): Promise<Billed> {
  const spentBefore = (await billOneCounter(client, held, amount, hold)) ?? (await billLocked(client, held, amount, hold));
  return crossedWindows(held, spentBefore, amount);
}

/** One existing counter: one UPDATE (its row lock lasts to COMMIT). Answers spent-before by counter key, or undefined to take the locked path. */
async function billOneCounter(client: PoolClient, held: HeldWindow[], amount: number, hold: number): Promise<Map<string, number> | undefined> {
  const first = held[0];
  if (!first || held.some((window) => counterKey(window) !== counterKey(first))) return undefined;
  const result = await client.query<{ spent_micros: number }>(
    `UPDATE spend_counters SET spent_micros = spent_micros + $5, reserved_micros = GREATEST(0, reserved_micros - $6)
     WHERE scope = $1 AND subject = $2 AND window_kind = $3 AND window_start = $4 RETURNING spent_micros`,
    [first.rule.scope, first.rule.subject, first.rule.window, first.windowStart, amount, hold],
  );
  const row = result.rows[0];
  return row ? new Map([[counterKey(first), row.spent_micros - amount]]) : undefined;
}

/** Several counters (or a missing one): lock them all in key order, then write them in one statement. */
async function billLocked(client: PoolClient, held: HeldWindow[], amount: number, hold: number): Promise<Map<string, number>> {
  const counters = await lockCounters(client, held);
  const spentBefore = new Map([...counters].map(([key, counter]) => [key, counter.spent]));
  await writeCounters(
    client,
    [...counters.values()].map((counter) => ({ counter, spent: counter.spent + amount, reserved: Math.max(0, counter.reserved - hold) })),
  );
  return spentBefore;
}

/** The counters behind these windows, created (seeded from the ledger) when missing and locked until the transaction ends. */
export function lockCounters(client: PoolClient, held: HeldWindow[]): Promise<Map<string, Counter>> {
  return readCounters(client, held, true);
}

export async function readCounters(client: PoolClient, held: HeldWindow[], lock: boolean): Promise<Map<string, Counter>> {
  const wanted = new Map<string, HeldWindow>();
  for (const window of held) if (!wanted.has(counterKey(window))) wanted.set(counterKey(window), window);
  // One fixed order (the primary key's) for every transaction's locks.
  const ordered = [...wanted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const counters = new Map<string, Counter>();
  if (ordered.length === 0) return counters;
  const select = async (windows: Array<[string, HeldWindow]>) => {
    const result = await client.query<{
      scope: string;
      subject: string;
      window_kind: string;
      window_start: string;
      spent_micros: number;
      reserved_micros: number;
    }>(
      `SELECT c.scope, c.subject, c.window_kind, c.window_start, c.spent_micros, c.reserved_micros
       FROM spend_counters c JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w(scope, subject, window_kind, window_start)
       USING (scope, subject, window_kind, window_start)
       ORDER BY c.scope, c.subject, c.window_kind, c.window_start ${lock ? 'FOR UPDATE OF c' : ''}`,
      [
        windows.map(([, window]) => window.rule.scope),
        windows.map(([, window]) => window.rule.subject),
        windows.map(([, window]) => window.rule.window),
        windows.map(([, window]) => window.windowStart),
      ],
    );
    for (const row of result.rows) {
      const key = JSON.stringify([row.scope, row.subject, row.window_kind, row.window_start]);
      counters.set(key, {
        scope: row.scope,
        subject: row.subject,
        window: row.window_kind,
        windowStart: row.window_start,
        spent: row.spent_micros,
        reserved: row.reserved_micros,
      });
    }
  };
  await select(ordered);
  const missing = ordered.filter(([key]) => !counters.has(key));
  for (const [key, window] of missing) {
    const { scope, subject } = window.rule;
    const seed = await PostgresSpendLedger.spentIn(client, scope, subject, window.windowStart, window.resetAt);
    if (!lock) {
      counters.set(key, { scope, subject, window: window.rule.window, windowStart: window.windowStart, spent: seed, reserved: 0 });
      continue;
    }
    await client.query(
      `INSERT INTO spend_counters (scope, subject, window_kind, window_start, spent_micros, reserved_micros) VALUES ($1, $2, $3, $4, $5, 0)
       ON CONFLICT DO NOTHING`,
      [scope, subject, window.rule.window, window.windowStart, seed],
    );
  }
  // Inserted here or by a concurrent transaction that has committed meanwhile: now read and lock them.
  if (lock && missing.length > 0) await select(missing);
  return counters;
}

/** Writes locked counters in one statement. */
export async function writeCounters(client: PoolClient, writes: Array<{ counter: Counter; spent: number; reserved: number }>): Promise<void> {
  if (writes.length === 0) return;
  await client.query(
    `UPDATE spend_counters c SET spent_micros = w.spent, reserved_micros = w.reserved
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS w(scope, subject, window_kind, window_start, spent, reserved)
     WHERE c.scope = w.scope AND c.subject = w.subject AND c.window_kind = w.window_kind AND c.window_start = w.window_start`,
    [
      writes.map(({ counter }) => counter.scope),
      writes.map(({ counter }) => counter.subject),
      writes.map(({ counter }) => counter.window),
      writes.map(({ counter }) => counter.windowStart),
      writes.map(({ spent }) => spent),
      writes.map(({ reserved }) => reserved),
    ],
  );
  for (const { counter, spent, reserved } of writes) {
    counter.spent = spent;
    counter.reserved = reserved;
  }
}
