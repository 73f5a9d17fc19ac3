import type { BudgetScope, BudgetWindowKind } from '../../store/spend-store.ts';

/** Wording shared by the budget error and the budget warning, so both read the same. */
export const periodLabel: Record<BudgetWindowKind, string> = { day: 'today', week: 'this week', month: 'this month', total: 'in total' };

export function scopeLabel(scope: BudgetScope, subject: string): string {
  if (scope === 'org') return 'the organization';
  // An attribute budget's subject is `name=value`: "repo \"billing\"".
  if (scope === 'attribute') {
    const at = subject.indexOf('=');
    return `${subject.slice(0, at)} "${subject.slice(at + 1)}"`;
  }
  return `${scope} "${subject}"`;
}

/** Micro-dollars as `$12.34` (display only; money stays integer micro-dollars everywhere else). */
export function usd(micros: number): string {
  return `$${(micros / 1_000_000).toFixed(2)}`;
}
