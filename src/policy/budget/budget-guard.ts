import { randomUUID } from 'node:crypto';
import type { KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import { GatewayError } from '../../core/errors.ts';
import { log } from '../../core/log.ts';
import type {
  BudgetLevel,
  BudgetRule,
  RequestAttribution,
  ReservationHolder,
  SettleResult,
  SpendLedgerEntry,
  SpendStore,
  WarnCrossing,
} from '../../store/spend-store.ts';
import { budgetExceededError } from './budget-exceeded-error.ts';
import { budgetRulesFor } from './budget-rules.ts';

export { worstCaseMicros } from './worst-case-micros.ts';

/**
 * A budget's warn line (or its cap) was crossed by one settlement: each fires exactly once per
 * window, reported by the guard only (its `notify`), never again by the pipeline.
 */
export interface BudgetWarning {
  scope: BudgetRule['scope'];
  /** The fraction of the limit crossed: `warnAt`, or 1 when the cap was reached. */
  threshold: number;
  subject: string;
  spentMicros: number;
  limitMicros: number;
  mode: BudgetRule['mode'];
  window: BudgetRule['window'];
  warnAt: number;
  windowStart: string;
  resetAt: string | null;
  webhookUrl?: string;
}

/** Money held for one request until it is settled (billed) or released (never sent upstream). */
export interface Reservation {
  /** The worst case held (0 when no budget applies); the pipeline logs a cost above it. */
  readonly amountMicros: number;
  /** Bills the final attempt into the windows that admitted the request. Once; later calls are no-ops. */
  settle(actualMicros: number, entry: SpendLedgerEntry): Promise<BudgetWarning[]>;
  /** Bills an earlier attempt (retry, partial stream) without closing the reservation. */
  record(entry: SpendLedgerEntry): Promise<BudgetWarning[]>;
  /** Frees the hold without billing. Idempotent; a no-op after settle. */
  release(): Promise<void>;
}

export interface BudgetGuardOptions {
  /** Who holds this process's reservations (instance id + run id), for `releaseAbandoned`. */
  holder?: ReservationHolder;
  /** How long a reservation may wait for the store before the request gets 503 `budget_store_unavailable` [1.5 s]. */
  storeTimeoutMs?: number;
  /** How often the leases of live reservations are renewed [20 s, a third of the store's 60 s lease]. */
  leaseRenewMs?: number;
  /** Waits before each retry of a settle, record or release the store refused [0.5, 1, 2, 4, 8 s]. */
  retryDelaysMs?: readonly number[];
  /** Told where every billed budget stands after each settle or record (the used-ratio gauge). */
  onLevels?: (levels: BudgetLevel[]) => void;
}

/** Seconds a caller is told to wait when the budget store cannot answer. */
const storeRetryAfterSeconds = 2;

/**
 * Budgets on the request path: reserve the worst case before the upstream call (atomically in
 * every applicable scope, so concurrency cannot overspend), settle the real cost after.
 *
 * The store may be slow or locked: a reservation that does not get an answer within
 * `storeTimeoutMs` fails closed with 503 `budget_store_unavailable` and `Retry-After` (and is
 * undone if the store makes it later); settles, records and releases are retried in the
 * background. A held reservation is a lease, renewed every `leaseRenewMs` while its request
 * lives, so a crashed process's holds lapse within one lease instead of blocking budgets.
 */
export class BudgetGuard {
  private readonly budgets: readonly ScopedBudgetConfig[];
  private readonly holder: ReservationHolder | undefined;
  private readonly storeTimeoutMs: number;
  private readonly leaseRenewMs: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly onLevels: ((levels: BudgetLevel[]) => void) | undefined;
  /** Reservations held right now (their leases are renewed). */
  private readonly live = new Set<string>();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: SpendStore,
    budgets: readonly ScopedBudgetConfig[],
    private readonly notify?: (warning: BudgetWarning) => void,
    options: BudgetGuardOptions = {},
  ) {
    this.budgets = budgets;
    this.holder = options.holder;
    this.storeTimeoutMs = options.storeTimeoutMs ?? 1_500;
    this.leaseRenewMs = options.leaseRenewMs ?? 20_000;
    this.retryDelaysMs = options.retryDelaysMs ?? [500, 1_000, 2_000, 4_000, 8_000];
    this.onLevels = options.onLevels;
  }

  /**
   * Frees the holds an earlier run of this instance left behind (it was killed: those requests
   * are gone). Call once at start; retried while the store refuses. Returns how many were freed.
   */
  async releaseAbandoned(): Promise<number> {
    const holder = this.holder;
    if (!holder) return 0;
    const released = await this.retrying('release the reservations of an earlier run', () => this.store.releaseAbandoned(holder));
    if (released > 0) log.info(`budget: released ${released} reservations held by an earlier run of instance "${holder.instanceId}"`);
    return released;
  }

  /** Stops renewing leases (shutdown). */
  close(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  /** Whether any budget applies to this key's requests. */
  applies(key: KeyConfig | undefined, request?: RequestAttribution): boolean {
    return this.rulesFor(key, request).length > 0;
  }

  private rulesFor(key: KeyConfig | undefined, request?: RequestAttribution): BudgetRule[] {
    return budgetRulesFor(key, this.budgets, request);
  }

  /**
   * Throws `policy_budget_exceeded` (429) naming the first hard budget the worst case would
   * overflow. The worst case may be given as a function: it is then computed only when a
   * budget applies (estimating it can mean reading the request body).
   */
  async reserve(key: KeyConfig | undefined, worstCase: number | (() => number), requestId: string, request?: RequestAttribution): Promise<Reservation> {
    const now = new Date();
    const rules = this.rulesFor(key, request);
    const id = `${requestId}:${randomUUID()}`;
    // No budget applies: nothing to hold, but every attempt still goes to the ledger.
    if (rules.length === 0) return this.reservation(id, rules, 0, false);
    const worstCaseMicros = typeof worstCase === 'function' ? worstCase() : worstCase;
    const pending = this.store.reserve({ reservationId: id, rules, amountMicros: worstCaseMicros, now, ...(this.holder ? { holder: this.holder } : {}) });
    const result = await this.withinDeadline(pending, () => {
      // Given up on: if the store still makes it, give the money back at once.
      void pending.then(
        (late) => (late.ok ? this.store.release(id) : undefined),
        () => undefined,
      );
    });
    if (!result.ok) throw budgetExceededError(result.blocked, result.amountMicros);
    this.hold(id);
    return this.reservation(id, rules, Math.ceil(worstCaseMicros), true);
  }

  /** The store's answer within `storeTimeoutMs`, or 503 `budget_store_unavailable` (a caller's own mistake still throws as is). */
  private async withinDeadline<T>(pending: Promise<T>, onTimeout: () => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new Error(`the budget store did not answer within ${this.storeTimeoutMs} ms`));
      }, this.storeTimeoutMs);
    });
    try {
      return await Promise.race([pending, deadline]);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) throw error;
      log.warn(`budget: the store cannot answer (${error instanceof Error ? error.message : String(error)}); answering 503`);
      throw new GatewayError({
        code: 'gateway_budget_store_unavailable',
        message: 'The budget store is unavailable, so this request cannot be checked against its budget. Please retry shortly.',
        retryAfterSeconds: storeRetryAfterSeconds,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private hold(id: string): void {
    this.live.add(id);
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renewLeases(), this.leaseRenewMs);
    // Leases alone never keep the process alive.
    this.renewTimer.unref();
  }

  private unhold(id: string): void {
    this.live.delete(id);
    if (this.live.size === 0) this.close();
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.live];
    if (ids.length === 0) return;
    try {
      await this.store.renew(ids, new Date());
    } catch (error) {
      log.warn(`budget: could not renew ${ids.length} reservation leases (retrying in ${this.leaseRenewMs} ms)`, error);
    }
  }

  /** Runs a store write until it succeeds, waiting `retryDelaysMs` between tries; the last failure is thrown. */
  private async retrying<T>(what: string, operation: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined || error instanceof TypeError || error instanceof RangeError) throw error;
        log.warn(`budget: could not ${what} (${error instanceof Error ? error.message : String(error)}); retry ${attempt + 1} in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private reservation(id: string, rules: BudgetRule[], amountMicros: number, held: boolean): Reservation {
    // Closed on the first settle or release, before the await, so racing calls cannot both bill.
    let closed = false;
    const record = async (entry: SpendLedgerEntry) => {
      const now = new Date();
      return this.warn(await this.retrying('book an attempt', () => this.store.record({ rules, entry, now })));
    };
    return {
      amountMicros,
      settle: async (actualMicros, entry) => {
        if (closed) return [];
        closed = true;
        if (!held) return record(entry);
        // Idempotent, so a retry after a lost answer cannot bill twice. The lease is renewed until it lands.
        try {
          return this.warn(await this.retrying('settle a reservation', () => this.store.settle({ reservationId: id, actualMicros, entry })));
        } finally {
          this.unhold(id);
        }
      },
      record,
      release: async () => {
        if (closed) return;
        closed = true;
        if (!held) return;
        try {
          await this.retrying('release a reservation', () => this.store.release(id));
        } finally {
          this.unhold(id);
        }
      },
    };
  }

  private warn(result: SettleResult): BudgetWarning[] {
    if (result.levels && result.levels.length > 0) {
      try {
        this.onLevels?.(result.levels);
      } catch {
        // A failing listener must not turn a billed request into an error.
      }
    }
    const warnings = result.crossed.map(warningOf);
    for (const warning of warnings) {
      try {
        this.notify?.(warning);
      } catch {
        // A failing listener must not turn a billed request into an error.
      }
    }
    return warnings;
  }
}

function warningOf(crossing: WarnCrossing): BudgetWarning {
  const warning: BudgetWarning = {
    scope: crossing.rule.scope,
    threshold: crossing.threshold,
    subject: crossing.rule.subject,
    spentMicros: crossing.spentMicros,
    limitMicros: crossing.limitMicros,
    mode: crossing.rule.mode,
    window: crossing.rule.window,
    warnAt: crossing.rule.warnAt,
    windowStart: crossing.windowStart,
    resetAt: crossing.resetAt,
  };
  if (crossing.rule.webhookUrl !== undefined) warning.webhookUrl = crossing.rule.webhookUrl;
  return warning;
}
