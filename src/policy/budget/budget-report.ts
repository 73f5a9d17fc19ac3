import type { KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import type { BudgetRule, BudgetUsage, SpendStore } from '../../store/spend-store.ts';
import { warnThresholdMicros } from '../../store/spend-store.ts';
import { ruleOf, subjectOf } from './budget-rules.ts';

/** One budget where it stands now (`GET /admin/budgets`, the dashboard, `switchyard budgets`). */
export interface BudgetStanding {
  scope: BudgetRule['scope'];
  subject: string;
  window: BudgetRule['window'];
  mode: BudgetRule['mode'];
  /** Where the budget is declared: the config file, or a key made through the admin API. */
  source: 'config' | 'api';
  limitMicros: number;
  spentMicros: number;
  /** Held by requests in flight. */
  reservedMicros: number;
  warnAt: number;
  warnMicros: number;
  windowStart: string;
  resetAt: string | null;
  /** `exhausted` at or past the cap, `warning` past the warn line. */
  status: 'ok' | 'warning' | 'exhausted';
}

/**
 * Every budget the gateway enforces (key budgets of config and stored keys, and the scoped
 * ones), with its current window's use; fullest first, so the one closest to its cap leads.
 */
export async function budgetStandings(
  store: Pick<SpendStore, 'usage'>,
  input: { configKeys: readonly KeyConfig[]; storedKeys: readonly KeyConfig[]; budgets: readonly ScopedBudgetConfig[]; now: Date },
): Promise<BudgetStanding[]> {
  const rules: Array<{ rule: BudgetRule; source: BudgetStanding['source'] }> = [];
  for (const key of input.configKeys) if (key.budget) rules.push({ rule: ruleOf('key', key.name, key.budget), source: 'config' });
  for (const key of input.storedKeys) if (key.budget) rules.push({ rule: ruleOf('key', key.name, key.budget), source: 'api' });
  for (const budget of input.budgets) rules.push({ rule: ruleOf(budget.scope, subjectOf(budget), budget), source: 'config' });
  if (rules.length === 0) return [];
  const usage = await store.usage(
    rules.map((entry) => entry.rule),
    input.now,
  );
  const standings = usage.map((entry, index): BudgetStanding => standingOf(entry, rules[index]!.source));
  return standings.sort((a, b) => ratio(b) - ratio(a) || a.scope.localeCompare(b.scope) || a.subject.localeCompare(b.subject));
}

function standingOf(usage: BudgetUsage, source: BudgetStanding['source']): BudgetStanding {
  const warnMicros = warnThresholdMicros(usage.rule);
  const status = usage.limitMicros <= usage.spentMicros ? 'exhausted' : usage.spentMicros >= warnMicros ? 'warning' : 'ok';
  return {
    scope: usage.rule.scope,
    subject: usage.rule.subject,
    window: usage.rule.window,
    mode: usage.rule.mode,
    source,
    limitMicros: usage.limitMicros,
    spentMicros: usage.spentMicros,
    reservedMicros: usage.reservedMicros,
    warnAt: usage.rule.warnAt,
    warnMicros,
    windowStart: usage.windowStart,
    resetAt: usage.resetAt,
    status,
  };
}

function ratio(standing: BudgetStanding): number {
  return standing.limitMicros > 0 ? standing.spentMicros / standing.limitMicros : standing.spentMicros > 0 ? Number.POSITIVE_INFINITY : 0;
}
