import { percent, usd } from '../format.ts';
import type { Budget } from '../types.ts';

/** Use against the cap, with the warn line marked. */
export function BudgetBar({ budget }: { budget: Budget }) {
  const used = Math.min(1, budget.used_ratio ?? 0);
  return (
    <div class={`budget-bar ${budget.status}`} title={`${usd(budget.spent_usd)} of ${usd(budget.limit_usd)} (${percent(budget.used_ratio)})`}>
      <progress max={1} value={used} />
      <span class="warn-line" style={{ left: `${budget.warn_at * 100}%` }} title={`warn at ${percent(budget.warn_at)}`} />
    </div>
  );
}
