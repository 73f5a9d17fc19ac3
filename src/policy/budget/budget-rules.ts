import type { BudgetConfig, KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import type { BudgetRule, BudgetScope } from '../../store/spend-store.ts';

export type { BudgetRule, BudgetScope };

/**
 * Every budget that applies to a request made with `key`, narrowest first: the key's own,
 * then its user, its team, each of its tags, then the org. The order is the order the store
 * checks hard rules in, so the error names the most specific budget that is exhausted.
 * Without a key (anonymous gateway) only org budgets apply.
 */
export function budgetRulesFor(key: KeyConfig | undefined, budgets: readonly ScopedBudgetConfig[]): BudgetRule[] {
  const rules: BudgetRule[] = [];
  if (key?.budget) rules.push(ruleOf('key', key.name, key.budget));
  const tags = new Set(key?.tags ?? []);
  const byScope = (scope: ScopedBudgetConfig['scope'], applies: (budget: ScopedBudgetConfig) => boolean) => {
    for (const budget of budgets) if (budget.scope === scope && applies(budget)) rules.push(ruleOf(scope, scope === 'org' ? '*' : budget.name, budget));
  };
  if (key?.user !== undefined) byScope('user', (budget) => budget.name === key.user);
  if (key?.team !== undefined) byScope('team', (budget) => budget.name === key.team);
  if (tags.size > 0) byScope('tag', (budget) => tags.has(budget.name));
  byScope('org', () => true);
  return rules;
}

function ruleOf(scope: BudgetScope, subject: string, budget: BudgetConfig): BudgetRule {
  const rule: BudgetRule = {
    scope,
    subject,
    // Config limits are USD; counters are integer micro-dollars (round away float noise: 0.3 × 1e6).
    limitMicros: Math.round(budget.limitUsd * 1_000_000),
    window: budget.window,
    mode: budget.mode,
    warnAt: budget.warnAt,
    weekStartsOn: budget.weekStartsOn,
    monthStartsOn: budget.monthStartsOn,
  };
  if (budget.webhookUrl !== undefined) rule.webhookUrl = budget.webhookUrl;
  return rule;
}
