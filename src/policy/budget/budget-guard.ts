import { randomUUID } from 'node:crypto';
import type { KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import type { BudgetRule, SpendLedgerEntry, SpendStore, WarnCrossing } from '../../store/spend-store.ts';
import { budgetExceededError } from './budget-exceeded-error.ts';
import { budgetRulesFor } from './budget-rules.ts';

export { worstCaseMicros } from './worst-case-micros.ts';

/** A budget's warn threshold was crossed by one settlement: fired exactly once per window. */
export interface BudgetWarning {
  scope: BudgetRule['scope'];
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

/**
 * Budgets on the request path: reserve the worst case before the upstream call (atomically in
 * every applicable scope, so concurrency cannot overspend), settle the real cost after.
 */
export class BudgetGuard {
  constructor(
    private readonly store: SpendStore,
    private readonly budgets: readonly ScopedBudgetConfig[],
    private readonly notify?: (warning: BudgetWarning) => void,
  ) {}

  /** Whether any budget applies to this key's requests. */
  applies(key: KeyConfig | undefined): boolean {
    return this.rulesFor(key).length > 0;
  }

  private rulesFor(key: KeyConfig | undefined): BudgetRule[] {
    return budgetRulesFor(key, this.budgets);
  }

  /**
   * Throws `policy_budget_exceeded` (429) naming the first hard budget the worst case would
   * overflow. The worst case may be given as a function: it is then computed only when a
   * budget applies (estimating it can mean reading the request body).
   */
  async reserve(key: KeyConfig | undefined, worstCase: number | (() => number), requestId: string): Promise<Reservation> {
    const rules = this.rulesFor(key);
    const id = `${requestId}:${randomUUID()}`;
    // No budget applies: nothing to hold, but every attempt still goes to the ledger.
    if (rules.length === 0) return this.reservation(id, rules, 0, false);
    const worstCaseMicros = typeof worstCase === 'function' ? worstCase() : worstCase;
    const result = await this.store.reserve({ reservationId: id, rules, amountMicros: worstCaseMicros, now: new Date() });
    if (!result.ok) throw budgetExceededError(result.blocked, result.amountMicros);
    return this.reservation(id, rules, Math.ceil(worstCaseMicros), true);
  }

  private reservation(id: string, rules: BudgetRule[], amountMicros: number, held: boolean): Reservation {
    // Closed on the first settle or release, before the await, so racing calls cannot both bill.
    let closed = false;
    const record = async (entry: SpendLedgerEntry) => this.warn((await this.store.record({ rules, entry, now: new Date() })).crossed);
    return {
      amountMicros,
      settle: async (actualMicros, entry) => {
        if (closed) return [];
        closed = true;
        if (!held) return record(entry);
        return this.warn((await this.store.settle({ reservationId: id, actualMicros, entry })).crossed);
      },
      record,
      release: async () => {
        if (closed) return;
        closed = true;
        if (held) await this.store.release(id);
      },
    };
  }

  private warn(crossed: WarnCrossing[]): BudgetWarning[] {
    const warnings = crossed.map(warningOf);
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
