import { windowOf } from '../budget-window.ts';
import {
  wouldOverflow,
  type BudgetRule,
  type BudgetUsage,
  type ReservationHolder,
  type ReserveResult,
  type SettleResult,
  type SpendRollupQuery,
  type SpendRollupRow,
  type SpendStore,
} from '../spend-store.ts';
import { log } from '../../core/log.ts';
import { isCallerBug, type RedisCoordination } from './redis-coordination.ts';
import { addSpentScript, closeScript, markStaleScript, rebuildScript, releaseAbandonedScript, renewScript, reserveScript } from './spend-scripts.ts';

export interface RedisSpendStoreOptions {
  /** How long a reservation holds without a renew before any instance frees it [60 s]. */
  reservationTtlMs?: number;
}

/** A rule pinned to the window it reserved in, and the Redis counter behind it. */
interface HeldWindow {
  rule: BudgetRule;
  windowStart: string;
  resetAt: string | null;
  counter: string;
}

/** What this process remembers of a reservation it made (settle needs the windows and the instant). */
interface LocalReservation {
  rules: BudgetRule[];
  at: Date;
  amount: number;
  counters: string[];
  /** The set of its instance's reservations (freed at that instance's restart). */
  holderKey: string;
  /** Made while Redis could not answer and `on_unavailable: allow`: nothing is held there. */
  unguarded: boolean;
  /** The ledger has the settle already (a retry only finishes the Redis side). */
  billed?: SettleResult;
}

/** Counters kept this long after their window resets (so a late settle still finds them). */
const counterGraceMs = 2 * 86_400_000;
/** A reserve that finds stale counters rebuilds them and tries again; more than this is a bug. */
const maxRebuilds = 3;

/**
 * The spend store for several instances: admission (spent + reserved against every hard cap)
 * is one Lua script in the Redis they share, so concurrent requests on any number of
 * instances can never pass a cap; the ledger and the durable counters stay in the durable
 * store (SQLite or Postgres), which is always written first.
 *
 * - Redis keeps nothing on disk: a counter it lacks (restart, eviction) is rebuilt from the
 *   durable store before anything is admitted against it.
 * - A settle writes the ledger, then closes the reservation in Redis. If the second step never
 *   happens (the process died, Redis was unreachable), the lease lapses: the next reservation
 *   frees the hold and marks the counters stale, so they are rebuilt from the ledger: the key
 *   is not blocked and no spend is lost.
 * - While Redis cannot answer, `reserve` fails (503 `budget_store_unavailable`) or, with
 *   `coordination.on_unavailable: allow`, admits unchecked (logged, counted).
 */
export class RedisSpendStore implements SpendStore {
  private readonly ttlMs: number;
  private readonly local = new Map<string, LocalReservation>();
  /** Counters whose spend reached the ledger but not Redis (marked stale once Redis answers). */
  private readonly pendingStale = new Set<string>();
  /**
   * Reservations whose script may still run in Redis although the call failed (a timeout: the
   * command was sent). They are closed without billing once Redis answers again (commands on
   * one connection run in order, so the close comes after the late reservation).
   */
  private readonly pendingRelease = new Map<string, { counters: string[]; holderKey: string }>();
  private readonly leases: string;

  constructor(
    private readonly durable: SpendStore,
    private readonly redis: RedisCoordination,
    options: RedisSpendStoreOptions = {},
  ) {
    this.ttlMs = options.reservationTtlMs ?? 60_000;
    this.leases = redis.key('budget', 'leases');
    redis.onReconnect(() => void this.resync());
  }

  async reserve(input: Parameters<SpendStore['reserve']>[0]): Promise<ReserveResult> {
    const amount = reservationAmount(input.amountMicros);
    const held = this.heldWindows(input.rules, input.now);
    const counters = distinct(held.map((window) => window.counter));
    const args: Array<string | number> = [
      input.now.getTime(),
      this.ttlMs,
      amount,
      input.holder?.runId ?? this.redis.runId,
      this.redis.key('budget', 'resv', ''),
      input.reservationId,
    ];
    for (const counter of counters) {
      const hard = held.filter((window) => window.counter === counter && window.rule.mode === 'hard').map((window) => window.rule.limitMicros);
      const window = held.find((entry) => entry.counter === counter)!;
      args.push(hard.length > 0 ? Math.min(...hard) : -1, timeToLive(window, input.now));
    }
    const holderKey = this.holderKey(input.holder);
    const keys = [this.leases, this.reservationKey(input.reservationId), holderKey, ...counters];
    let reply: unknown[];
    try {
      await this.flushPendingStale();
      for (let attempt = 0; ; attempt++) {
        reply = (await this.redis.run(reserveScript, keys, args)) as unknown[];
        if (reply[0] !== 'rebuild') break;
        if (attempt >= maxRebuilds) throw new Error(`spend: counters still stale after ${maxRebuilds} rebuilds`);
        const missing = (reply.slice(1) as number[]).map((index) => counters[index - 1]!);
        await this.rebuild(held, missing, input.now);
      }
    } catch (error) {
      if (isCallerBug(error)) throw error;
      // Bounded: one left out lapses with its lease.
      if (this.pendingRelease.size < 10_000) this.pendingRelease.set(input.reservationId, { counters, holderKey });
      // deny: throws the 503; allow: admit unchecked.
      this.redis.unavailable('budget', error);
      this.local.set(input.reservationId, { rules: input.rules, at: input.now, amount, counters, holderKey, unguarded: true });
      return { ok: true, usage: held.map((window) => usageOf(window, 0, 0)) };
    }
    const numbers = reply.slice(1).map(Number);
    const state = new Map(counters.map((counter, index) => [counter, { spent: numbers[2 * index]!, reserved: numbers[2 * index + 1]! }]));
    const usage = held.map((window) => usageOf(window, state.get(window.counter)!.spent, state.get(window.counter)!.reserved));
    if (reply[0] === 'blocked') {
      const blocked = usage.find((entry) => entry.rule.mode === 'hard' && wouldOverflow(entry.limitMicros, entry.spentMicros, entry.reservedMicros, amount));
      return { ok: false, blocked: blocked ?? usage[0]!, amountMicros: amount };
    }
    this.local.set(input.reservationId, { rules: input.rules, at: input.now, amount, counters, holderKey, unguarded: false });
    return { ok: true, usage: usage.map((entry) => ({ ...entry, reservedMicros: entry.reservedMicros + amount })) };
  }

  async settle(input: Parameters<SpendStore['settle']>[0]): Promise<SettleResult> {
    const reservation = this.local.get(input.reservationId);
    if (!reservation) return { settled: false, crossed: [] };
    // The ledger first: whatever happens to Redis next, the spend is on record.
    reservation.billed ??= await this.durable.record({ rules: reservation.rules, entry: input.entry, now: reservation.at });
    if (reservation.unguarded) {
      // Admitted while Redis could not answer (fail-open): its counters learn this spend from the ledger.
      for (const counter of reservation.counters) this.pendingStale.add(counter);
    } else {
      try {
        await this.close(input.reservationId, reservation, billedAmount(input.actualMicros));
      } catch (error) {
        // The ledger has it; the next reservation from here (or the lapse of this one) rebuilds the counters.
        for (const counter of reservation.counters) this.pendingStale.add(counter);
        throw error;
      }
    }
    this.local.delete(input.reservationId);
    return reservation.billed;
  }

  async release(reservationId: string): Promise<boolean> {
    const reservation = this.local.get(reservationId);
    if (!reservation) return false;
    if (!reservation.unguarded) await this.close(reservationId, reservation, 0);
    this.local.delete(reservationId);
    return true;
  }

  async record(input: Parameters<SpendStore['record']>[0]): Promise<SettleResult> {
    const result = await this.durable.record(input);
    if (input.rules.length === 0) return result;
    const counters = distinct(this.heldWindows(input.rules, input.now).map((window) => window.counter));
    const amount = billedAmount(input.entry.costMicros);
    if (amount === 0) return result;
    try {
      await this.redis.run(addSpentScript, counters, [amount]);
    } catch (error) {
      if (isCallerBug(error)) throw error;
      // On record in the ledger; Redis catches up by a rebuild once it answers.
      for (const counter of counters) this.pendingStale.add(counter);
    }
    return result;
  }

  async renew(reservationIds: string[], now: Date): Promise<number> {
    const args: Array<string | number> = [now.getTime() + this.ttlMs, this.redis.runId];
    for (const id of reservationIds) {
      const reservation = this.local.get(id);
      // A settled one whose Redis side failed is not held again: its lapse marks the counters stale.
      if (!reservation || reservation.unguarded || reservation.billed) continue;
      args.push(id, this.reservationKey(id), reservation.holderKey, reservation.amount, reservation.counters.join('\n'));
    }
    if (args.length === 2) return 0;
    return Number(await this.redis.run(renewScript, [this.leases], args));
  }

  async releaseAbandoned(holder: ReservationHolder): Promise<number> {
    const durable = await this.durable.releaseAbandoned(holder);
    const freed = Number(
      await this.redis.run(releaseAbandonedScript, [this.holderKey(holder), this.leases], [holder.runId, this.redis.key('budget', 'resv', '')]),
    );
    return durable + freed;
  }

  async usage(rules: BudgetRule[], now: Date): Promise<BudgetUsage[]> {
    const held = this.heldWindows(rules, now);
    const replies = await Promise.all(held.map((window) => this.redis.commands.hmget(window.counter, 'spent', 'reserved', 'stale')));
    if (replies.some(([spent, , stale]) => spent === null || stale !== null)) {
      const durable = await this.durable.usage(rules, now);
      return held.map((window, index) => {
        const [spent, reserved] = replies[index]!;
        return usageOf(window, Math.max(Number(spent ?? 0), durable[index]?.spentMicros ?? 0), Number(reserved ?? 0));
      });
    }
    return held.map((window, index) => usageOf(window, Number(replies[index]![0]), Number(replies[index]![1] ?? 0)));
  }

  rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    return this.durable.rollup(query);
  }

  /** Live reservations made here, for tests and shutdown logs. */
  get open(): number {
    return this.local.size;
  }

  private async close(id: string, reservation: LocalReservation, actual: number): Promise<void> {
    const keys = [this.leases, this.reservationKey(id), reservation.holderKey, ...reservation.counters];
    await this.redis.run(closeScript, keys, [actual, id, reservation.billed ? 1 : 0]);
  }

  /** Reads the durable spend of these counters' windows and seeds or repairs them in Redis. */
  private async rebuild(held: HeldWindow[], counters: string[], now: Date): Promise<void> {
    const windows = counters.map((counter) => held.find((window) => window.counter === counter)!);
    const durable = await this.durable.usage(
      windows.map((window) => window.rule),
      now,
    );
    const args = windows.flatMap((window, index) => [durable[index]?.spentMicros ?? 0, timeToLive(window, now)]);
    await this.redis.run(rebuildScript, counters, args);
    log.debug(`budget: rebuilt ${counters.length} shared counter(s) from the durable ledger`);
  }

  /** Catches Redis up with what happened while it did not answer (before the next admission). */
  private async flushPendingStale(): Promise<void> {
    for (const [id, reservation] of this.pendingRelease) {
      await this.redis.run(closeScript, [this.leases, this.reservationKey(id), reservation.holderKey, ...reservation.counters], [0, id, 0]);
      this.pendingRelease.delete(id);
    }
    if (this.pendingStale.size === 0) return;
    const counters = [...this.pendingStale];
    await this.redis.run(markStaleScript, counters, []);
    for (const counter of counters) this.pendingStale.delete(counter);
  }

  /** After a reconnect: hold again what this process holds (Redis may have restarted empty). */
  private async resync(): Promise<void> {
    try {
      await this.flushPendingStale();
      const renewed = await this.renew([...this.local.keys()], new Date());
      if (renewed > 0) log.info(`budget: re-registered ${renewed} live reservation(s) with Redis`);
    } catch (error) {
      log.warn('budget: could not re-register live reservations after reconnecting (the lease renewal retries)', error);
    }
  }

  private heldWindows(rules: BudgetRule[], now: Date): HeldWindow[] {
    return rules.map((rule) => {
      const window = windowOf(rule.window, now, rule);
      const counter = this.redis.key('budget', rule.scope, encodeURIComponent(rule.subject), rule.window, window.start);
      return { rule, windowStart: window.start, resetAt: window.resetAt, counter };
    });
  }

  private reservationKey(id: string): string {
    return this.redis.key('budget', 'resv', id);
  }

  private holderKey(holder: ReservationHolder | undefined): string {
    return this.redis.key('budget', 'holder', encodeURIComponent(holder?.instanceId ?? `run:${this.redis.runId}`));
  }
}

function usageOf(window: HeldWindow, spent: number, reserved: number): BudgetUsage {
  return {
    rule: window.rule,
    windowStart: window.windowStart,
    resetAt: window.resetAt,
    spentMicros: spent,
    reservedMicros: reserved,
    limitMicros: window.rule.limitMicros,
  };
}

/** How long a counter is kept: until two days after its window resets (forever for `total`); relative, so Redis's clock does not matter. */
function timeToLive(window: HeldWindow, now: Date): number {
  return window.resetAt === null ? 0 : Math.max(counterGraceMs, new Date(window.resetAt).getTime() - now.getTime() + counterGraceMs);
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

function reservationAmount(micros: number): number {
  if (!Number.isFinite(micros) || micros < 0) throw new TypeError(`spend: reservation amount must be a non-negative number of micro-dollars, got ${micros}`);
  return Math.ceil(micros);
}

function billedAmount(micros: number): number {
  return Number.isFinite(micros) && micros > 0 ? Math.round(micros) : 0;
}
