import type { Pool, PoolClient } from 'pg';
import { billedAmount, counterKey, heldWindows, reservationAmount, usageOf, type HeldWindow } from '../held-windows.ts';
import {
  wouldOverflow,
  type BudgetRule,
  type BudgetUsage,
  type ReservationHolder,
  type ReserveResult,
  type SettleResult,
  type SpendLedgerEntry,
  type SpendRollupQuery,
  type SpendRollupRow,
  type SpendStore,
} from '../spend-store.ts';
import { ledgerRow, PostgresSpendLedger } from './spend-ledger.ts';
import { bill, crossings, ledgerInsertWhen, lockCounters, readCounters, writeCounters } from './budget-counters.ts';
import { inTransaction } from './transaction.ts';

export interface PostgresSpendStoreOptions {
  /** The lease of a reservation (see the SQLite store) [60 s]. */
  reservationTtlMs?: number;
  /** How long an expired reservation is kept so a late settle can still find its windows [7 days]. */
  expiredRetentionMs?: number;
}

interface ReservationRow {
  reservation_id: string;
  amount_micros: number;
  windows: HeldWindow[];
  state: 'open' | 'expired';
}

/**
 * The spend store on Postgres. Exact across instances without Redis: every write is one
 * transaction that first locks the counter rows it moves (`SELECT … FOR UPDATE`, in one fixed
 * order, so two transactions never wait on each other in a cycle), decides with what it read
 * and writes before it commits; a concurrent reservation on the same counter waits for the
 * lock and then sees the new numbers. A counter not yet written is inserted (seeded from the
 * ledger) with ON CONFLICT DO NOTHING, so two instances creating it at once end on one row.
 * When every rule moves one existing counter (a key budget), a reservation is one conditional
 * UPDATE and a bill one UPDATE, so the row lock is held for as short as Postgres allows.
 */
export class PostgresSpendStore implements SpendStore {
  private readonly reservationTtlMs: number;
  private readonly expiredRetentionMs: number;
  private lastForget = Number.NEGATIVE_INFINITY;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly pool: Pool,
    options: PostgresSpendStoreOptions = {},
  ) {
    this.reservationTtlMs = options.reservationTtlMs ?? 60_000;
    this.expiredRetentionMs = options.expiredRetentionMs ?? 7 * 86_400_000;
  }

  async reserve(input: Parameters<SpendStore['reserve']>[0]): Promise<ReserveResult> {
    const amount = reservationAmount(input.amountMicros);
    await this.sweepOverdue(input.now);
    const held = heldWindows(input.rules, input.now);
    const fast = await this.reserveOneCounter(input, held, amount);
    if (fast) return fast;
    return inTransaction(this.pool, async (client) => {
      const counters = await lockCounters(client, held);
      const usage = held.map((window) => usageOf(window, counters.get(counterKey(window))!));
      const blocked = usage.find((entry) => entry.rule.mode === 'hard' && wouldOverflow(entry.limitMicros, entry.spentMicros, entry.reservedMicros, amount));
      if (blocked) return { ok: false, blocked, amountMicros: amount };
      await writeCounters(
        client,
        [...counters.values()].map((counter) => ({ counter, spent: counter.spent, reserved: counter.reserved + amount })),
      );
      const inserted = await client.query(
        `INSERT INTO spend_reservations (reservation_id, amount_micros, windows, state, created_at, expires_at, holder, run_id)
         VALUES ($1, $2, $3, 'open', $4, $5, $6, $7) ON CONFLICT (reservation_id) DO NOTHING`,
        [
          input.reservationId,
          amount,
          JSON.stringify(held),
          input.now.toISOString(),
          new Date(input.now.getTime() + this.reservationTtlMs).toISOString(),
          input.holder?.instanceId ?? null,
          input.holder?.runId ?? null,
        ],
      );
      // Thrown inside the transaction, so the counters written above roll back.
      if (inserted.rowCount === 0) throw new Error(`spend: reservation ${input.reservationId} already exists`);
      return { ok: true, usage: usage.map((entry) => ({ ...entry, reservedMicros: entry.reservedMicros + amount })) };
    });
  }

  async settle(input: Parameters<SpendStore['settle']>[0]): Promise<SettleResult> {
    const fast = await this.settleOneCounter(input);
    if (fast) return fast;
    return inTransaction(this.pool, async (client) => {
      // Taken out first: a second settle (or a release) waits for this one, then finds nothing.
      const reservation = await takeReservation(client, input.reservationId);
      if (!reservation) return { settled: false, crossed: [] };
      // An expired reservation's hold was already freed by the sweep: bill it, free nothing.
      const hold = reservation.state === 'open' ? reservation.amount_micros : 0;
      const billed = await bill(client, reservation.windows, billedAmount(input.actualMicros), hold);
      await PostgresSpendLedger.append(client, [input.entry]);
      return { settled: true, ...billed };
    });
  }

  release(reservationId: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const reservation = await takeReservation(client, reservationId);
      if (!reservation) return false;
      if (reservation.state === 'open') await bill(client, reservation.windows, 0, reservation.amount_micros);
      return true;
    });
  }

  async record(input: Parameters<SpendStore['record']>[0]): Promise<SettleResult> {
    // No budget counts this spend: only the ledger row (the storage facade queues these instead).
    if (input.rules.length === 0) {
      await PostgresSpendLedger.append(this.pool, [input.entry]);
      return { settled: true, crossed: [] };
    }
    const held = heldWindows(input.rules, input.now);
    const fast = await this.recordOneCounter(held, input.entry);
    if (fast) return fast;
    return inTransaction(this.pool, async (client) => {
      const billed = await bill(client, held, billedAmount(input.entry.costMicros), 0);
      await PostgresSpendLedger.append(client, [input.entry]);
      return { settled: true, ...billed };
    });
  }

  async renew(reservationIds: string[], now: Date): Promise<number> {
    if (reservationIds.length === 0) return 0;
    const result = await this.pool.query("UPDATE spend_reservations SET expires_at = $1 WHERE reservation_id = ANY($2::text[]) AND state = 'open'", [
      new Date(now.getTime() + this.reservationTtlMs).toISOString(),
      reservationIds,
    ]);
    return result.rowCount ?? 0;
  }

  async releaseAbandoned(holder: ReservationHolder): Promise<number> {
    const abandoned = await this.pool.query<{ reservation_id: string }>(
      "SELECT reservation_id FROM spend_reservations WHERE state = 'open' AND holder = $1 AND run_id IS DISTINCT FROM $2",
      [holder.instanceId, holder.runId],
    );
    let released = 0;
    for (const { reservation_id } of abandoned.rows) if (await this.expire(reservation_id)) released++;
    return released;
  }

  async usage(rules: BudgetRule[], now: Date): Promise<BudgetUsage[]> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const held = heldWindows(rules, now);
      const counters = await readCounters(client, held, false);
      return held.map((window) => usageOf(window, counters.get(counterKey(window))!));
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    return PostgresSpendLedger.rollup(this.pool, query);
  }

  /**
   * The common case in one statement (one round trip, no explicit transaction): every rule moves
   * the same existing counter. The UPDATE's WHERE is the admission test, re-checked by Postgres
   * on the newest row version after any lock wait, so two instances cannot both take the last
   * headroom; the reservation row is inserted by the same statement. Answers undefined when the
   * counter does not exist yet or would overflow: the locked transaction then decides (and names
   * the blocking rule).
   */
  private async reserveOneCounter(input: Parameters<SpendStore['reserve']>[0], held: HeldWindow[], amount: number): Promise<ReserveResult | undefined> {
    const first = held[0];
    if (!first || held.some((window) => counterKey(window) !== counterKey(first))) return undefined;
    // Rules sharing a counter: the tightest hard limit decides.
    const hardLimits = held.filter((window) => window.rule.mode === 'hard').map((window) => window.rule.limitMicros);
    try {
      const result = await this.pool.query<{ spent_micros: number; reserved_micros: number }>(
        `WITH moved AS (
           UPDATE spend_counters SET reserved_micros = reserved_micros + $5
           WHERE scope = $1 AND subject = $2 AND window_kind = $3 AND window_start = $4
             AND ($6::bigint IS NULL OR (spent_micros + reserved_micros < $6 AND spent_micros + reserved_micros + $5 <= $6))
           RETURNING spent_micros, reserved_micros
         ), inserted AS (
           INSERT INTO spend_reservations (reservation_id, amount_micros, windows, state, created_at, expires_at, holder, run_id)
           SELECT $7, $5, $8, 'open', $9, $10, $11, $12 FROM moved
         )
         SELECT spent_micros, reserved_micros FROM moved`,
        [
          first.rule.scope,
          first.rule.subject,
          first.rule.window,
          first.windowStart,
          amount,
          hardLimits.length > 0 ? Math.min(...hardLimits) : null,
          input.reservationId,
          JSON.stringify(held),
          input.now.toISOString(),
          new Date(input.now.getTime() + this.reservationTtlMs).toISOString(),
          input.holder?.instanceId ?? null,
          input.holder?.runId ?? null,
        ],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      return { ok: true, usage: held.map((window) => usageOf(window, { spent: row.spent_micros, reserved: row.reserved_micros })) };
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new Error(`spend: reservation ${input.reservationId} already exists`, { cause: error });
      throw error;
    }
  }

  /**
   * A settle whose reservation holds one counter, in one statement: the reservation is taken
   * out, the counter billed and freed, the ledger row written, or nothing at all. Undefined when
   * the reservation is not there or holds several counters (the transaction then decides).
   */
  private async settleOneCounter(input: Parameters<SpendStore['settle']>[0]): Promise<SettleResult | undefined> {
    const amount = billedAmount(input.actualMicros);
    const ledger = ledgerRow(input.entry);
    const first = (field: string) => (field === 'windowStart' ? `r.windows -> 0 ->> 'windowStart'` : `r.windows -> 0 -> 'rule' ->> '${field}'`);
    const result = await this.pool.query<{ windows: HeldWindow[]; spent_micros: number | null }>(
      `WITH r AS (
         DELETE FROM spend_reservations s WHERE reservation_id = $1
           AND (SELECT count(DISTINCT (e -> 'rule' ->> 'scope', e -> 'rule' ->> 'subject', e -> 'rule' ->> 'window', e ->> 'windowStart'))
                FROM jsonb_array_elements(s.windows) e) = 1
         RETURNING amount_micros, state, windows
       ), u AS (
         UPDATE spend_counters c SET spent_micros = c.spent_micros + $2,
           reserved_micros = GREATEST(0, c.reserved_micros - CASE WHEN r.state = 'open' THEN r.amount_micros ELSE 0 END)
         FROM r WHERE c.scope = ${first('scope')} AND c.subject = ${first('subject')} AND c.window_kind = ${first('window')} AND c.window_start = ${first('windowStart')}
         RETURNING c.spent_micros
       ), l AS (${ledgerInsertWhen('EXISTS (SELECT 1 FROM u)', 3)})
       SELECT r.windows, u.spent_micros FROM r LEFT JOIN u ON true`,
      [input.reservationId, amount, ...ledger],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    if (row.spent_micros === null) {
      // The counter was gone (a hand-edited database): the reservation is out, bill the slow way.
      const billed = await inTransaction(this.pool, async (client) => {
        const slow = await bill(client, row.windows, amount, 0);
        await PostgresSpendLedger.append(client, [input.entry]);
        return slow;
      });
      return { settled: true, ...billed };
    }
    return { settled: true, ...crossings(row.windows, row.spent_micros - amount, amount) };
  }

  /** A budgeted record whose rules move one existing counter, in one statement (counter and ledger row, or neither). */
  private async recordOneCounter(held: HeldWindow[], entry: SpendLedgerEntry): Promise<SettleResult | undefined> {
    const first = held[0];
    if (!first || held.some((window) => counterKey(window) !== counterKey(first))) return undefined;
    const amount = billedAmount(entry.costMicros);
    const result = await this.pool.query<{ spent_micros: number }>(
      `WITH u AS (
         UPDATE spend_counters SET spent_micros = spent_micros + $5
         WHERE scope = $1 AND subject = $2 AND window_kind = $3 AND window_start = $4 RETURNING spent_micros
       ), l AS (${ledgerInsertWhen('EXISTS (SELECT 1 FROM u)', 6)})
       SELECT spent_micros FROM u`,
      [first.rule.scope, first.rule.subject, first.rule.window, first.windowStart, amount, ...ledgerRow(entry)],
    );
    const row = result.rows[0];
    return row ? { settled: true, ...crossings(held, row.spent_micros - amount, amount) } : undefined;
  }

  /**
   * Frees the holds of reservations whose process presumably died: one index lookup, at most
   * once per second of the callers' clock (a lapsed lease is freed within a second of lapsing).
   */
  private async sweepOverdue(now: Date): Promise<void> {
    if (Math.abs(now.getTime() - this.lastSweep) < 1_000) return;
    this.lastSweep = now.getTime();
    const overdue = await this.pool.query<{ reservation_id: string }>(
      "SELECT reservation_id FROM spend_reservations WHERE state = 'open' AND expires_at < $1 LIMIT 500",
      [now.toISOString()],
    );
    for (const { reservation_id } of overdue.rows) await this.expire(reservation_id);
    if (overdue.rows.length > 0 || now.getTime() - this.lastForget > 3_600_000 || now.getTime() < this.lastForget) {
      this.lastForget = now.getTime();
      await this.pool.query("DELETE FROM spend_reservations WHERE state = 'expired' AND expires_at < $1", [
        new Date(now.getTime() - this.expiredRetentionMs).toISOString(),
      ]);
    }
  }

  /** Frees an open reservation's hold and marks it expired (a late settle still bills it); false when another instance was first. */
  private expire(reservationId: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const reservation = await lockReservation(client, reservationId);
      if (reservation?.state !== 'open') return false;
      await bill(client, reservation.windows, 0, reservation.amount_micros);
      await client.query("UPDATE spend_reservations SET state = 'expired' WHERE reservation_id = $1", [reservationId]);
      return true;
    });
  }
}

async function takeReservation(client: PoolClient, reservationId: string): Promise<ReservationRow | undefined> {
  const result = await client.query<ReservationRow>(
    'DELETE FROM spend_reservations WHERE reservation_id = $1 RETURNING reservation_id, amount_micros, windows, state',
    [reservationId],
  );
  return result.rows[0];
}

async function lockReservation(client: PoolClient, reservationId: string): Promise<ReservationRow | undefined> {
  const result = await client.query<ReservationRow>(
    'SELECT reservation_id, amount_micros, windows, state FROM spend_reservations WHERE reservation_id = $1 FOR UPDATE',
    [reservationId],
  );
  return result.rows[0];
}
