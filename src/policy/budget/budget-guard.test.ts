import { after, afterEach, beforeEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BudgetConfig, KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import { GatewayError } from '../../core/errors.ts';
import { SqliteSpendStore } from '../../store/sqlite/spend-store.ts';
import { entry, openSpendDatabase } from '../../../test/support/store/spend-test-support.ts';
import { BudgetGuard, type BudgetWarning } from './budget-guard.ts';
import { budgetRulesFor } from './budget-rules.ts';

const databases: Array<{ close(): void }> = [];
after(() => databases.forEach((database) => database.close()));

const november = new Date('2026-11-10T12:00:00Z');
const budget = (limitUsd: number, overrides: Partial<BudgetConfig> = {}): BudgetConfig => ({
  limitUsd,
  window: 'month',
  mode: 'hard',
  warnAt: 0.8,
  weekStartsOn: 1,
  monthStartsOn: 1,
  ...overrides,
});
const keyWith = (overrides: Partial<KeyConfig> = {}): KeyConfig => ({ name: 'alice', hash: 'h', team: 'platform', tags: [], aliases: {}, ...overrides });

// The guard reads the real clock; each test runs on 10 November 2026 unless it moves the clock.
beforeEach(() => mock.timers.enable({ apis: ['Date'], now: november }));
afterEach(() => mock.timers.reset());

function setup(budgets: ScopedBudgetConfig[] = []) {
  const database = openSpendDatabase(':memory:');
  databases.push(database);
  const store = new SqliteSpendStore(database);
  const warnings: BudgetWarning[] = [];
  const guard = new BudgetGuard(store, budgets, (warning) => warnings.push(warning));
  /** Where each budget of the key stands now, read from the store (the guard's own port). */
  const usage = (key: KeyConfig | undefined) => store.usage(budgetRulesFor(key, budgets), new Date());
  return { store, guard, warnings, usage };
}

const isBudgetExceeded = (error: unknown) => error instanceof GatewayError && error.code === 'policy_budget_exceeded' && error.status === 429;

describe('BudgetGuard: the acceptance test (no overspend under concurrency)', () => {
  test('$0.30 left, 50 concurrent $0.10 worst cases: exactly 3 pass, 47 get 429, final spend within the cap', async () => {
    const { guard, store, usage: usageOf } = setup();
    const key = keyWith({ budget: budget(1) });
    const earlier = await guard.reserve(key, 700_000, 'earlier');
    await earlier.settle(700_000, entry({ requestId: 'earlier', costMicros: 700_000 }));

    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, index) => guard.reserve(key, 100_000, `request-${index}`)));
    const admitted = outcomes.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value);
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason);
    assert.equal(admitted.length, 3);
    assert.equal(rejected.length, 47);
    assert.ok(rejected.every(isBudgetExceeded));

    const realCosts = [83_000, 100_000, 41_500];
    await Promise.all(
      admitted.map((reservation, index) => reservation.settle(realCosts[index]!, entry({ requestId: `admitted-${index}`, costMicros: realCosts[index]! }))),
    );
    const [usage] = await usageOf(key);
    assert.equal(usage?.spentMicros, 700_000 + 83_000 + 100_000 + 41_500);
    assert.equal(usage?.reservedMicros, 0);
    assert.ok(usage!.spentMicros <= usage!.limitMicros);
    const [ledger] = await store.rollup({ groupBy: 'key' });
    assert.deepEqual([ledger?.costMicros, ledger?.requests], [924_500, 4]);
  });
});

describe('BudgetGuard errors', () => {
  test('names the scope, the amounts and the reset time, with machine-readable details', async () => {
    const { guard } = setup([{ scope: 'team', name: 'platform', ...budget(50) }]);
    const key = keyWith();
    const spendAll = await guard.reserve(key, 0, 'spend-all');
    await spendAll.settle(50_000_000, entry({ costMicros: 50_000_000 }));
    await assert.rejects(guard.reserve(key, 10_000, 'next'), (error: GatewayError) => {
      assert.equal(error.message, 'Budget exceeded for team "platform": $50.00 of $50.00 used this month; resets 2026-12-01T00:00:00Z.');
      assert.deepEqual(error.details, {
        scope: 'team',
        subject: 'platform',
        window: 'month',
        limitUsd: 50,
        spentUsd: 50,
        reservedUsd: 0,
        requestMaxUsd: 0.01,
        resetsAt: '2026-12-01T00:00:00Z',
      });
      return isBudgetExceeded(error);
    });
  });

  test('a total budget does not reset; a worst case that does not fit is said so; holds in flight are shown', async () => {
    const { guard } = setup([{ scope: 'org', name: '*', ...budget(1, { window: 'total' }) }]);
    await guard.reserve(undefined, 600_000, 'in-flight');
    await assert.rejects(guard.reserve(undefined, 500_000, 'too-big'), {
      message:
        'Budget exceeded for the organization: $0.60 of $1.00 used in total ($0.60 of it held by requests in flight) and this request may cost up to $0.50; does not reset.',
    });
  });

  test('several scopes: blocked by the first hard one that would overflow, and nothing is reserved in any', async () => {
    const budgets: ScopedBudgetConfig[] = [
      { scope: 'org', name: '*', ...budget(1) },
      { scope: 'team', name: 'platform', ...budget(0.5) },
      { scope: 'tag', name: 'ci', ...budget(0.01, { mode: 'soft' }) },
    ];
    const { guard, usage: usageOf } = setup(budgets);
    const key = keyWith({ budget: budget(10), tags: ['ci'] });
    await assert.rejects(guard.reserve(key, 2_000_000, 'huge'), (error: GatewayError) => isBudgetExceeded(error) && error.details?.['scope'] === 'team');
    const usage = await usageOf(key);
    assert.deepEqual(
      usage.map((entry) => entry.rule.scope),
      ['key', 'team', 'tag', 'org'],
    );
    assert.ok(usage.every((entry) => entry.reservedMicros === 0 && entry.spentMicros === 0));
  });
});

describe('BudgetGuard warnings', () => {
  test('a soft budget never blocks, warns exactly once at warn_at and once more at 100 %', async () => {
    const {
      guard,
      warnings,
      usage: usageOf,
    } = setup([{ scope: 'team', name: 'platform', ...budget(1, { mode: 'soft', warnAt: 0.5, webhookUrl: 'http://127.0.0.1:9/hook' }) }]);
    for (let index = 0; index < 6; index++) {
      const reservation = await guard.reserve(keyWith(), 300_000, `request-${index}`);
      await reservation.settle(300_000, entry({ requestId: `request-${index}`, costMicros: 300_000 }));
    }
    const common = {
      scope: 'team',
      subject: 'platform',
      limitMicros: 1_000_000,
      mode: 'soft',
      window: 'month',
      warnAt: 0.5,
      windowStart: '2026-11-01T00:00:00Z',
      resetAt: '2026-12-01T00:00:00Z',
      webhookUrl: 'http://127.0.0.1:9/hook',
    } as const;
    assert.deepEqual(warnings, [
      { ...common, threshold: 0.5, spentMicros: 600_000 },
      { ...common, threshold: 1, spentMicros: 1_200_000 },
    ]);
    assert.equal((await usageOf(keyWith()))[0]?.spentMicros, 1_800_000);
  });

  test('one settle that crosses the warn line and the cap fires both, once each; every settle reports the levels', async () => {
    const database = openSpendDatabase(':memory:');
    databases.push(database);
    const warnings: BudgetWarning[] = [];
    const levels: Array<[string, string, number]> = [];
    const guard = new BudgetGuard(
      new SqliteSpendStore(database),
      [{ scope: 'org', name: '*', ...budget(1, { mode: 'soft' }) }],
      (warning) => warnings.push(warning),
      {
        onLevels: (reported) => levels.push(...reported.map((level): [string, string, number] => [level.rule.scope, level.rule.subject, level.spentMicros])),
      },
    );
    const key = keyWith({ budget: budget(2, { warnAt: 0.9 }) });
    const first = await guard.reserve(key, 100_000, 'a');
    await first.settle(100_000, entry({ costMicros: 100_000 }));
    // No threshold crossed, yet the levels are reported (the used-ratio gauge is set on every settle).
    assert.equal(warnings.length, 0);
    assert.deepEqual(levels, [
      ['key', 'alice', 100_000],
      ['org', '*', 100_000],
    ]);
    const second = await guard.reserve(key, 1_000_000, 'b');
    await second.settle(1_000_000, entry({ costMicros: 1_000_000 }));
    assert.deepEqual(
      warnings.map((warning) => [warning.scope, warning.threshold, warning.spentMicros]),
      [
        ['org', 0.8, 1_100_000],
        ['org', 1, 1_100_000],
      ],
    );
    const third = await guard.reserve(key, 100_000, 'c');
    await third.settle(100_000, entry({ costMicros: 100_000 }));
    assert.equal(warnings.length, 2, 'past the cap, nothing fires again in this window');
  });

  test('a hard budget warns at warn_at too, and settle returns the warnings it fired', async () => {
    const { guard, warnings } = setup();
    const key = keyWith({ budget: budget(1, { warnAt: 0.8 }) });
    const first = await guard.reserve(key, 500_000, 'a');
    assert.deepEqual(await first.settle(500_000, entry({ costMicros: 500_000 })), []);
    const second = await guard.reserve(key, 500_000, 'b');
    const fired = await second.settle(400_000, entry({ costMicros: 400_000 }));
    assert.deepEqual(
      fired.map((warning) => [warning.scope, warning.mode, warning.spentMicros]),
      [['key', 'hard', 900_000]],
    );
    assert.deepEqual(warnings, fired);
  });

  test('a throwing listener does not fail the settlement', async () => {
    const database = openSpendDatabase(':memory:');
    databases.push(database);
    const guard = new BudgetGuard(new SqliteSpendStore(database), [], () => {
      throw new Error('listener down');
    });
    const key = keyWith({ budget: budget(1, { warnAt: 0.1 }) });
    const reservation = await guard.reserve(key, 200_000, 'a');
    assert.equal((await reservation.settle(200_000, entry({ costMicros: 200_000 }))).length, 1);
  });
});

describe('BudgetGuard reservations', () => {
  test('spend last month does not count this month (window rollover)', async () => {
    const { guard, usage: usageOf } = setup();
    const key = keyWith({ budget: budget(1) });
    mock.timers.setTime(Date.parse('2026-10-31T23:59:00Z'));
    const october = await guard.reserve(key, 1_000_000, 'october');
    await october.settle(1_000_000, entry({ costMicros: 1_000_000, createdAt: '2026-10-31T23:59:30Z' }));
    mock.timers.setTime(Date.parse('2026-10-31T23:59:59Z'));
    await assert.rejects(guard.reserve(key, 1, 'still-october'), isBudgetExceeded);
    mock.timers.setTime(Date.parse('2026-11-01T00:00:00Z'));
    await guard.reserve(key, 900_000, 'november');
    const [usage] = await usageOf(key);
    assert.equal(usage?.windowStart, '2026-11-01T00:00:00Z');
    assert.equal(usage?.reservedMicros, 900_000);
  });

  test('release twice is safe, settle after release bills nothing, settle twice bills once', async () => {
    const { guard, store, usage: usageOf } = setup();
    const key = keyWith({ budget: budget(1) });
    const released = await guard.reserve(key, 400_000, 'released');
    await released.release();
    await released.release();
    assert.deepEqual(await released.settle(400_000, entry({ requestId: 'released', costMicros: 400_000 })), []);
    const settled = await guard.reserve(key, 400_000, 'settled');
    await Promise.all([
      settled.settle(100_000, entry({ requestId: 'settled', costMicros: 100_000 })),
      settled.settle(100_000, entry({ requestId: 'settled', costMicros: 100_000 })),
    ]);
    await settled.release();
    const [usage] = await usageOf(key);
    assert.deepEqual([usage?.spentMicros, usage?.reservedMicros], [100_000, 0]);
    assert.deepEqual(
      (await store.rollup({ groupBy: 'key' })).map((row) => [row.group, row.costMicros, row.requests]),
      [['alice', 100_000, 1]],
    );
  });

  test('a key with no budgets still lands every attempt in the ledger; retries bill too', async () => {
    const { guard, store } = setup();
    const key = keyWith({ name: 'free', team: undefined });
    assert.equal(guard.applies(key), false);
    const reservation = await guard.reserve(key, 0, 'request-1');
    assert.equal(reservation.amountMicros, 0);
    await reservation.record(entry({ keyName: 'free', attempt: 1, reason: 'retry', costMicros: 1_200, estimated: true }));
    await reservation.settle(3_000, entry({ keyName: 'free', attempt: 2, costMicros: 3_000 }));
    const [row] = await store.rollup({ groupBy: 'key' });
    assert.deepEqual(row, { group: 'free', costMicros: 4_200, requests: 1, inputTokens: 200, outputTokens: 100, estimatedMicros: 1_200 });
  });

  test('a retry attempt recorded under a reservation counts against the budget before the final settle', async () => {
    const { guard, usage: usageOf } = setup();
    const key = keyWith({ budget: budget(1) });
    const reservation = await guard.reserve(key, 300_000, 'request-1');
    await reservation.record(entry({ attempt: 1, reason: 'partial', costMicros: 50_000 }));
    const [usage] = await usageOf(key);
    assert.deepEqual([usage?.spentMicros, usage?.reservedMicros], [50_000, 300_000]);
  });
});

describe('BudgetGuard leases', () => {
  test('a request that lives past the lease TTL keeps its hold (renewed); released, the money is free again', async () => {
    const database = openSpendDatabase(':memory:');
    databases.push(database);
    const store = new SqliteSpendStore(database, { reservationTtlMs: 150 });
    const guard = new BudgetGuard(store, [], undefined, { leaseRenewMs: 40 });
    const key = keyWith({ budget: budget(0.001) });
    const long = await guard.reserve(key, 1_000, 'long');
    const reserved = async () => (await store.usage(budgetRulesFor(key, []), new Date()))[0]?.reservedMicros;
    assert.equal(await reserved(), 1_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Without renewals the 150 ms lease would have lapsed three times over and this would pass.
    await assert.rejects(guard.reserve(key, 1_000, 'second'), isBudgetExceeded);
    await long.release();
    assert.equal(await reserved(), 0);
    const second = await guard.reserve(key, 1_000, 'third');
    await second.release();
    guard.close();
  });

  test('a store that does not answer in time: 503 budget_store_unavailable with Retry-After, and a late reservation is given back', async () => {
    const database = openSpendDatabase(':memory:');
    databases.push(database);
    const inner = new SqliteSpendStore(database);
    let delayMs = 200;
    const slow: typeof inner = Object.create(inner);
    slow.reserve = async (input) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return inner.reserve(input);
    };
    const guard = new BudgetGuard(slow, [], undefined, { storeTimeoutMs: 50 });
    const key = keyWith({ budget: budget(1) });
    await assert.rejects(guard.reserve(key, 1_000, 'late'), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'gateway_budget_store_unavailable');
      assert.equal(error.status, 503);
      assert.ok((error.retryAfterSeconds ?? 0) >= 1);
      assert.ok(error.cause instanceof Error);
      return true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The store made the reservation after the guard gave up; the guard released it.
    assert.equal((await inner.usage(budgetRulesFor(key, []), new Date()))[0]?.reservedMicros, 0);
    delayMs = 0;
    await (await guard.reserve(key, 1_000, 'on-time')).release();
  });
});
