import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BudgetConfig, KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import { budgetRulesFor } from './budget-rules.ts';

const budget = (limitUsd: number, overrides: Partial<BudgetConfig> = {}): BudgetConfig => ({
  limitUsd,
  window: 'month',
  mode: 'hard',
  warnAt: 0.8,
  weekStartsOn: 1,
  monthStartsOn: 1,
  ...overrides,
});
const scoped = (scope: ScopedBudgetConfig['scope'], name: string, limitUsd: number, overrides: Partial<BudgetConfig> = {}): ScopedBudgetConfig => ({
  scope,
  name,
  ...budget(limitUsd, overrides),
});

const budgets = [
  scoped('org', '*', 1000),
  scoped('team', 'platform', 50, { window: 'week', weekStartsOn: 7, webhookUrl: 'http://127.0.0.1:9/hook' }),
  scoped('team', 'research', 70),
  scoped('tag', 'ci', 5, { mode: 'soft', warnAt: 0.5 }),
  scoped('tag', 'nightly', 0.3),
  scoped('user', 'alice@example.com', 20, { window: 'day' }),
];

test('every applicable scope, narrowest first: key, user, team, each tag (once), org', () => {
  const key: KeyConfig = {
    name: 'alice',
    hash: 'h',
    team: 'platform',
    user: 'alice@example.com',
    tags: ['nightly', 'ci', 'nightly'],
    aliases: {},
    budget: budget(10.5),
  };
  const rules = budgetRulesFor(key, budgets);
  assert.deepEqual(
    rules.map((rule) => [rule.scope, rule.subject, rule.limitMicros, rule.window, rule.mode]),
    [
      ['key', 'alice', 10_500_000, 'month', 'hard'],
      ['user', 'alice@example.com', 20_000_000, 'day', 'hard'],
      ['team', 'platform', 50_000_000, 'week', 'hard'],
      ['tag', 'ci', 5_000_000, 'month', 'soft'],
      ['tag', 'nightly', 300_000, 'month', 'hard'],
      ['org', '*', 1_000_000_000, 'month', 'hard'],
    ],
  );
  const team = rules.find((rule) => rule.scope === 'team');
  assert.deepEqual([team?.weekStartsOn, team?.webhookUrl], [7, 'http://127.0.0.1:9/hook']);
  assert.equal(rules.find((rule) => rule.scope === 'tag' && rule.subject === 'ci')?.warnAt, 0.5);
  assert.ok(rules.every((rule) => Number.isInteger(rule.limitMicros)));
});

test('a key without budget, team, user or tags gets only the org budget; no key gets the org budget too', () => {
  const bare: KeyConfig = { name: 'bob', hash: 'h', tags: [], aliases: {} };
  assert.deepEqual(
    budgetRulesFor(bare, budgets).map((rule) => rule.scope),
    ['org'],
  );
  assert.deepEqual(
    budgetRulesFor(undefined, budgets).map((rule) => rule.subject),
    ['*'],
  );
  assert.deepEqual(budgetRulesFor(bare, []), []);
});
