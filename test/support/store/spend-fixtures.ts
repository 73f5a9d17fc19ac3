import type { BudgetRule, SpendLedgerEntry } from '../../../src/store/spend-store.ts';

/** A budget rule and a ledger entry with every field set; tests override what they look at. Backend-neutral. */
export function rule(overrides: Partial<BudgetRule> = {}): BudgetRule {
  return {
    scope: 'key',
    subject: 'alice',
    limitMicros: 1_000_000,
    window: 'month',
    mode: 'hard',
    warnAt: 0.8,
    weekStartsOn: 1,
    monthStartsOn: 1,
    ...overrides,
  };
}

export function entry(overrides: Partial<SpendLedgerEntry> = {}): SpendLedgerEntry {
  return {
    requestId: 'request-1',
    attempt: 1,
    keyName: 'alice',
    team: 'platform',
    user: 'alice@example.com',
    tags: [],
    provider: 'anthro',
    model: 'claude-sonnet-4-5',
    inputTokens: 100,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 50,
    reasoningTokens: 0,
    costMicros: 0,
    estimated: false,
    reason: 'completed',
    createdAt: '2026-11-10T12:00:00.000Z',
    ...overrides,
  };
}
