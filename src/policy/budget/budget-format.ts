import type { BudgetScope, BudgetWindowKind } from '../../store/spend-store.ts';

/** Wording shared by the budget error and the budget warning, so both read the same. */
export const periodLabel: Record<BudgetWindowKind, string> = { day: 'today', week: 'this week', month: 'this month', total: 'in total' };

export function scopeLabel(scope: BudgetScope, subject: string): string {
  return scope === 'org' ? 'the organization' : `${scope} "${subject}"`;
}

/** Micro-dollars as `$12.34` (display only; money stays integer micro-dollars everywhere else). */
export function usd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(2)}`;
}
