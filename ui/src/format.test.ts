import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetName, list, ms, outcomeTone, percent, time, until, usd } from './format.ts';

test('money, durations and shares read the way a person expects', () => {
  assert.deepEqual([usd(1234.5), usd(0.004), usd(0), usd(null)], ['$1,234.50', '$0.0040', '$0.00', '—']);
  assert.deepEqual([ms(420.25), ms(12_500), ms(null)], ['420 ms', '12.5 s', '—']);
  assert.deepEqual([percent(0.5), percent(0.012), percent(1.25), percent(null)], ['50%', '1.2%', '125%', '—']);
  assert.equal(time('2026-11-10T12:00:05.123Z'), '2026-11-10 12:00:05');
});

test('reset times, budget names, lists and outcome tones', () => {
  const now = Date.parse('2026-11-10T12:00:00Z');
  assert.deepEqual(
    [until('2026-11-13T16:30:00Z', now), until('2026-11-10T14:05:00Z', now), until('2026-11-10T12:00:20Z', now), until(null, now)],
    ['in 3 d 4 h', 'in 2 h 5 min', 'in 1 min', 'never (total budget)'],
  );
  assert.deepEqual([budgetName('org', '*'), budgetName('team', 'platform')], ['whole organisation', 'team platform']);
  assert.deepEqual(list(' a, b ,,c '), ['a', 'b', 'c']);
  assert.deepEqual(['ok', 'rejected_budget', 'upstream_timeout'].map(outcomeTone), ['ok', 'warn', 'error']);
});
