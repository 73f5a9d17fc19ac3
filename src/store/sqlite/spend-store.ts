import type Database from 'better-sqlite3';
import { billedAmount, counterKey, heldWindows, reservationAmount, usageOf, type HeldWindow } from '../held-windows.ts';
import {
  type ReservationHolder,
  crossedWarnThreshold,
  wouldOverflow,
  type BudgetRule,
  type BudgetUsage,
  type ReserveResult,
  type SettleResult,
  type SpendLedgerEntry,
  type SpendRollupQuery,
  type SpendRollupRow,
  type SpendStore,
  type WarnCrossing,
} from '../spend-store.ts';
import { SqliteSpendLedger } from './spend-ledger.ts';

export interface SqliteSpendStoreOptions {
  /**
   * The lease of a reservation: how long it stays open without a `renew` before a sweep frees
   * its hold (its process is presumed dead). The holder renews well within it while its request
   * lives (the budget guard every third of it), so a long stream keeps its hold. A late settle of
   * an expired reservation is still billed. Default 60 s.
   */
  reservationTtlMs?: number;
  /** How long an expired reservation is kept so a late settle can still find its windows. */
  expiredRetentionMs?: number;
}

interface Counter {
  scope: string;
  subject: string;
  window: string;
  windowStart: string;
  resetAt: string | null;
  exists: boolean;
  spent: number;
  reserved: number;
}

interface ReservationRow {
  amount_micros: number;
  windows: string;
  state: 'open' | 'expired';
}

/**
 * The spend store on SQLite. Every write runs in a `BEGIN IMMEDIATE` transaction, which takes
 * the database write lock up front: within a process better-sqlite3 is synchronous, and across
 * processes sharing the file the lock serializes check-and-reserve, so no two reservations can
 * both see the same headroom. The tables must exist: run `spendMigrations` first.
 */
export class SqliteSpendStore implements SpendStore {
  private readonly ledger: SqliteSpendLedger;
  private readonly reservationTtlMs: number;
  private readonly expiredRetentionMs: number;
  private readonly statements;
  private readonly reserveTransaction;
  private readonly settleTransaction;
  private readonly releaseTransaction;
  private readonly recordTransaction;
  private readonly appendLedgerTransaction;
  private readonly renewTransaction;
  private readonly releaseAbandonedTransaction;
  private readonly usageTransaction;

  constructor(database: Database.Database, options: SqliteSpendStoreOptions = {}) {
    // Without a busy timeout a second process gets SQLITE_BUSY at once instead of waiting its turn.
    if (database.pragma('busy_timeout', { simple: true }) === 0) database.pragma('busy_timeout = 5000');
    this.reservationTtlMs = options.reservationTtlMs ?? 60_000;
    this.expiredRetentionMs = options.expiredRetentionMs ?? 7 * 86_400_000;
    this.ledger = new SqliteSpendLedger(database);
    this.statements = {
      counter: database.prepare<[string, string, string, string], { spent_micros: number; reserved_micros: number }>(
        'SELECT spent_micros, reserved_micros FROM spend_counters WHERE scope = ? AND subject = ? AND window_kind = ? AND window_start = ?',
      ),
      insertCounter: database.prepare<[string, string, string, string, number, number]>(
        'INSERT INTO spend_counters (scope, subject, window_kind, window_start, spent_micros, reserved_micros) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      updateCounter: database.prepare<[number, number, string, string, string, string]>(
        'UPDATE spend_counters SET spent_micros = ?, reserved_micros = ? WHERE scope = ? AND subject = ? AND window_kind = ? AND window_start = ?',
      ),
      reservation: database.prepare<[string], ReservationRow>('SELECT amount_micros, windows, state FROM spend_reservations WHERE reservation_id = ?'),
      insertReservation: database.prepare<[string, number, string, string, string, string | null, string | null]>(
        "INSERT INTO spend_reservations (reservation_id, amount_micros, windows, state, created_at, expires_at, holder, run_id) VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
      ),
      renew: database.prepare<[string, string]>("UPDATE spend_reservations SET expires_at = ? WHERE reservation_id = ? AND state = 'open'"),
      abandoned: database.prepare<[string, string], ReservationRow & { reservation_id: string }>(
        "SELECT reservation_id, amount_micros, windows, state FROM spend_reservations WHERE state = 'open' AND holder = ? AND run_id IS NOT ?",
      ),
      deleteReservation: database.prepare<[string]>('DELETE FROM spend_reservations WHERE reservation_id = ?'),
      overdue: database.prepare<[string], ReservationRow & { reservation_id: string }>(
        "SELECT reservation_id, amount_micros, windows, state FROM spend_reservations WHERE state = 'open' AND expires_at < ? LIMIT 500",
      ),
      expire: database.prepare<[string]>("UPDATE spend_reservations SET state = 'expired' WHERE reservation_id = ?"),
      forgetExpired: database.prepare<[string]>("DELETE FROM spend_reservations WHERE state = 'expired' AND expires_at < ?"),
    };
    this.reserveTransaction = database.transaction((input: Parameters<SpendStore['reserve']>[0]) => this.reserveNow(input));
    this.settleTransaction = database.transaction((input: Parameters<SpendStore['settle']>[0]) => this.settleNow(input));
    this.releaseTransaction = database.transaction((reservationId: string) => this.releaseNow(reservationId));
    this.recordTransaction = database.transaction((input: Parameters<SpendStore['record']>[0]) => this.recordNow(input));
    this.appendLedgerTransaction = database.transaction((entries: SpendLedgerEntry[], once: boolean) => {
      for (const entry of entries) {
        if (once) this.ledger.appendOnce(entry);
        else this.ledger.append(entry);
      }
    });
    this.renewTransaction = database.transaction((ids: string[], now: Date) => {
      const expiresAt = new Date(now.getTime() + this.reservationTtlMs).toISOString();
      let renewed = 0;
      for (const id of ids) renewed += this.statements.renew.run(expiresAt, id).changes;
      return renewed;
    });
    this.releaseAbandonedTransaction = database.transaction((holder: ReservationHolder) => {
      const abandoned = this.statements.abandoned.all(holder.instanceId, holder.runId);
      for (const reservation of abandoned) this.expireNow(reservation);
      return abandoned.length;
    });
    this.usageTransaction = database.transaction((rules: BudgetRule[], now: Date) => {
      const held = heldWindows(rules, now);
      const counters = this.loadCounters(held);
      return held.map((window) => usageOf(window, counters.get(counterKey(window))!));
    });
  }

  async reserve(input: Parameters<SpendStore['reserve']>[0]): Promise<ReserveResult> {
    return this.reserveTransaction.immediate(input);
  }

  async settle(input: Parameters<SpendStore['settle']>[0]): Promise<SettleResult> {
    return this.settleTransaction.immediate(input);
  }

  async release(reservationId: string): Promise<boolean> {
    return this.releaseTransaction.immediate(reservationId);
  }

  async record(input: Parameters<SpendStore['record']>[0]): Promise<SettleResult> {
    // No budget counts this spend: only the ledger row is written. (The storage facade batches
    // these on the main thread and hands them over with `appendLedger`.)
    if (input.rules.length === 0) {
      this.appendLedgerTransaction.immediate([input.entry], false);
      return { settled: true, crossed: [] };
    }
    return this.recordTransaction.immediate(input);
  }

  /**
   * Queued ledger rows of attempts that no budget counts, in one transaction. A row already
   * stored (same request, attempt and instant) is skipped, so a replayed spill file cannot
   * book an attempt twice.
   */
  appendLedger(entries: SpendLedgerEntry[]): void {
    if (entries.length > 0) this.appendLedgerTransaction.immediate(entries, true);
  }

  async renew(reservationIds: string[], now: Date): Promise<number> {
    if (reservationIds.length === 0) return 0;
    return this.renewTransaction.immediate(reservationIds, now);
  }

  async releaseAbandoned(holder: ReservationHolder): Promise<number> {
    return this.releaseAbandonedTransaction.immediate(holder);
  }

  async usage(rules: BudgetRule[], now: Date): Promise<BudgetUsage[]> {
    // A deferred (read) transaction: one consistent snapshot, no write lock.
    return this.usageTransaction.deferred(rules, now);
  }

  async rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    return this.ledger.rollup(query);
  }

  private reserveNow(input: Parameters<SpendStore['reserve']>[0]): ReserveResult {
    const amount = reservationAmount(input.amountMicros);
    this.sweepOverdue(input.now);
    if (this.statements.reservation.get(input.reservationId)) throw new Error(`spend: reservation ${input.reservationId} already exists`);
    const held = heldWindows(input.rules, input.now);
    const counters = this.loadCounters(held);
    const usage = held.map((window) => usageOf(window, counters.get(counterKey(window))!));
    const blocked = usage.find((entry) => entry.rule.mode === 'hard' && wouldOverflow(entry.limitMicros, entry.spentMicros, entry.reservedMicros, amount));
    if (blocked) return { ok: false, blocked, amountMicros: amount };
    for (const counter of counters.values()) this.writeCounter(counter, counter.spent, counter.reserved + amount);
    const expiresAt = new Date(input.now.getTime() + this.reservationTtlMs).toISOString();
    this.statements.insertReservation.run(
      input.reservationId,
      amount,
      JSON.stringify(held),
      input.now.toISOString(),
      expiresAt,
      input.holder?.instanceId ?? null,
      input.holder?.runId ?? null,
    );
    return { ok: true, usage: usage.map((entry) => ({ ...entry, reservedMicros: entry.reservedMicros + amount })) };
  }

  private settleNow(input: Parameters<SpendStore['settle']>[0]): SettleResult {
    const reservation = this.statements.reservation.get(input.reservationId);
    if (!reservation) return { settled: false, crossed: [] };
    const held = JSON.parse(reservation.windows) as HeldWindow[];
    // An expired reservation's hold was already freed by the sweep: bill it, free nothing.
    const hold = reservation.state === 'open' ? reservation.amount_micros : 0;
    const crossed = this.bill(held, billedAmount(input.actualMicros), hold);
    this.ledger.append(input.entry);
    this.statements.deleteReservation.run(input.reservationId);
    return { settled: true, crossed };
  }

  private releaseNow(reservationId: string): boolean {
    const reservation = this.statements.reservation.get(reservationId);
    if (!reservation) return false;
    if (reservation.state === 'open') this.bill(JSON.parse(reservation.windows) as HeldWindow[], 0, reservation.amount_micros);
    this.statements.deleteReservation.run(reservationId);
    return true;
  }

  private recordNow(input: Parameters<SpendStore['record']>[0]): SettleResult {
    const crossed = this.bill(heldWindows(input.rules, input.now), billedAmount(input.entry.costMicros), 0);
    this.ledger.append(input.entry);
    return { settled: true, crossed };
  }

  /** Adds `amount` to spent and frees `hold` from reserved, once per distinct counter. */
  private bill(held: HeldWindow[], amount: number, hold: number): WarnCrossing[] {
    const counters = this.loadCounters(held);
    const spentBefore = new Map([...counters].map(([key, counter]) => [key, counter.spent]));
    for (const counter of counters.values()) this.writeCounter(counter, counter.spent + amount, Math.max(0, counter.reserved - hold));
    const crossed: WarnCrossing[] = [];
    for (const window of held) {
      const before = spentBefore.get(counterKey(window))!;
      if (crossedWarnThreshold(window.rule, before, before + amount)) {
        crossed.push({
          rule: window.rule,
          windowStart: window.windowStart,
          resetAt: window.resetAt,
          spentMicros: before + amount,
          limitMicros: window.rule.limitMicros,
        });
      }
    }
    return crossed;
  }

  /** Frees the holds of reservations whose process presumably died, and forgets old expired ones. */
  private sweepOverdue(now: Date): void {
    for (const reservation of this.statements.overdue.all(now.toISOString())) this.expireNow(reservation);
    this.statements.forgetExpired.run(new Date(now.getTime() - this.expiredRetentionMs).toISOString());
  }

  /** Frees an open reservation's hold and marks it expired (a late settle still bills it). */
  private expireNow(reservation: ReservationRow & { reservation_id: string }): void {
    this.bill(JSON.parse(reservation.windows) as HeldWindow[], 0, reservation.amount_micros);
    this.statements.expire.run(reservation.reservation_id);
  }

  /**
   * The counters behind these windows, one per distinct counter. A counter not yet written is
   * seeded from the ledger, so a budget added mid-window counts what was already spent in it.
   */
  private loadCounters(held: HeldWindow[]): Map<string, Counter> {
    const counters = new Map<string, Counter>();
    for (const window of held) {
      const key = counterKey(window);
      if (counters.has(key)) continue;
      const { scope, subject } = window.rule;
      const row = this.statements.counter.get(scope, subject, window.rule.window, window.windowStart);
      counters.set(key, {
        scope,
        subject,
        window: window.rule.window,
        windowStart: window.windowStart,
        resetAt: window.resetAt,
        exists: row !== undefined,
        spent: row ? row.spent_micros : this.ledger.spentIn(scope, subject, window.windowStart, window.resetAt),
        reserved: row ? row.reserved_micros : 0,
      });
    }
    return counters;
  }

  private writeCounter(counter: Counter, spent: number, reserved: number): void {
    if (counter.exists) this.statements.updateCounter.run(spent, reserved, counter.scope, counter.subject, counter.window, counter.windowStart);
    else this.statements.insertCounter.run(counter.scope, counter.subject, counter.window, counter.windowStart, spent, reserved);
    counter.exists = true;
    counter.spent = spent;
    counter.reserved = reserved;
  }
}
