import { windowOf } from './budget-window.ts';
import type { BudgetRule, BudgetUsage } from './spend-store.ts';

/**
 * Pieces every spend backend shares (SQLite, Postgres): a rule pinned to the window it
 * reserved in, the identity of the counter behind it, and how amounts are rounded.
 */

/** A rule pinned to the window it reserved in. */
export interface HeldWindow {
  rule: BudgetRule;
  windowStart: string;
  resetAt: string | null;
}

export function heldWindows(rules: BudgetRule[], now: Date): HeldWindow[] {
  return rules.map((rule) => {
    const window = windowOf(rule.window, now, rule);
    return { rule, windowStart: window.start, resetAt: window.resetAt };
  });
}

/** Rules that share one counter (same scope, subject, window kind and start) get the same key. */
export function counterKey(window: HeldWindow): string {
  return JSON.stringify([window.rule.scope, window.rule.subject, window.rule.window, window.windowStart]);
}

export function usageOf(window: HeldWindow, counter: { spent: number; reserved: number }): BudgetUsage {
  return {
    rule: window.rule,
    windowStart: window.windowStart,
    resetAt: window.resetAt,
    spentMicros: counter.spent,
    reservedMicros: counter.reserved,
    limitMicros: window.rule.limitMicros,
  };
}

/** A reservation rounds UP (holding too much is safe, too little is not); garbage is a caller bug. */
export function reservationAmount(micros: number): number {
  if (!Number.isFinite(micros) || micros < 0) throw new TypeError(`spend: reservation amount must be a non-negative number of micro-dollars, got ${micros}`);
  return Math.ceil(micros);
}

/** Billing never throws on a bad number: losing the ledger row would lose the spend. */
export function billedAmount(micros: number): number {
  return Number.isFinite(micros) && micros > 0 ? Math.round(micros) : 0;
}
