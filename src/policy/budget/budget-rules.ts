import type { BudgetConfig, KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import { attributeSubject, type BudgetRule, type BudgetScope, type RequestAttribution } from '../../store/spend-store.ts';

export type { BudgetRule, BudgetScope };

/**
 * Every budget that applies to a request made with `key`, narrowest first: the key's own,
 * then its user, its team, each of its tags (the key's and the request's own), each attribute
 * the request carries, then the org. The order is the order the store
 * checks hard rules in, so the error names the most specific budget that is exhausted.
 * Without a key (anonymous gateway) only org budgets apply.
 */
export function budgetRulesFor(key: KeyConfig | undefined, budgets: readonly ScopedBudgetConfig[], request?: RequestAttribution): BudgetRule[] {
  const rules: BudgetRule[] = [];
  if (key?.budget) rules.push(ruleOf('key', key.name, key.budget));
  const tags = new Set([...(key?.tags ?? []), ...(request?.tags ?? [])]);
  const byScope = (scope: ScopedBudgetConfig['scope'], applies: (budget: ScopedBudgetConfig) => boolean) => {
    for (const budget of budgets) if (budget.scope === scope && applies(budget)) rules.push(ruleOf(scope, subjectOf(budget), budget));
  };
  if (key?.user !== undefined) byScope('user', (budget) => budget.name === key.user);
  if (key?.team !== undefined) byScope('team', (budget) => budget.name === key.team);
  if (tags.size > 0) byScope('tag', (budget) => tags.has(budget.name));
  const attributes = request?.attributes ?? {};
  byScope('attribute', (budget) => budget.value !== undefined && attributes[budget.name] === budget.value);
  byScope('org', () => true);
  return rules;
}

/** The counter subject of a configured budget: its name, `*` for the org, `name=value` for an attribute. */
export function subjectOf(budget: ScopedBudgetConfig): string {
  if (budget.scope === 'org') return '*';
  return budget.scope === 'attribute' ? attributeSubject(budget.name, budget.value ?? '') : budget.name;
}

/** One budget as the store's rule (USD limits become integer micro-dollars). */
export function ruleOf(scope: BudgetScope, subject: string, budget: BudgetConfig): BudgetRule {
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
