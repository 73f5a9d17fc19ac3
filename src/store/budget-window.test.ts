import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { windowOf } from './budget-window.ts';

const defaults = { weekStartsOn: 1, monthStartsOn: 1 };
const at = (iso: string) => new Date(iso);

describe('windowOf', () => {
  test('day: midnight UTC to the next midnight, whatever the local offset of the input', () => {
    assert.deepEqual(windowOf('day', at('2026-03-15T23:59:59.999Z'), defaults), { start: '2026-03-15T00:00:00Z', resetAt: '2026-03-16T00:00:00Z' });
    assert.deepEqual(windowOf('day', at('2026-03-16T01:30:00+02:00'), defaults), { start: '2026-03-15T00:00:00Z', resetAt: '2026-03-16T00:00:00Z' });
  });

  test('day: exactly at midnight belongs to the new day', () => {
    assert.deepEqual(windowOf('day', at('2026-03-16T00:00:00.000Z'), defaults), { start: '2026-03-16T00:00:00Z', resetAt: '2026-03-17T00:00:00Z' });
  });

  test('day: leap day and year end', () => {
    assert.deepEqual(windowOf('day', at('2028-02-29T12:00:00Z'), defaults), { start: '2028-02-29T00:00:00Z', resetAt: '2028-03-01T00:00:00Z' });
    assert.deepEqual(windowOf('day', at('2026-12-31T18:00:00Z'), defaults), { start: '2026-12-31T00:00:00Z', resetAt: '2027-01-01T00:00:00Z' });
  });

  test('week starting Monday (1): a Sunday belongs to the week that began six days earlier', () => {
    // 2026-03-15 is a Sunday.
    assert.deepEqual(windowOf('week', at('2026-03-15T10:00:00Z'), defaults), { start: '2026-03-09T00:00:00Z', resetAt: '2026-03-16T00:00:00Z' });
    assert.deepEqual(windowOf('week', at('2026-03-16T00:00:00Z'), defaults), { start: '2026-03-16T00:00:00Z', resetAt: '2026-03-23T00:00:00Z' });
  });

  test('week starting Sunday (7)', () => {
    const sundayStart = { weekStartsOn: 7, monthStartsOn: 1 };
    assert.deepEqual(windowOf('week', at('2026-03-15T00:00:00Z'), sundayStart), { start: '2026-03-15T00:00:00Z', resetAt: '2026-03-22T00:00:00Z' });
    assert.deepEqual(windowOf('week', at('2026-03-14T23:59:59Z'), sundayStart), { start: '2026-03-08T00:00:00Z', resetAt: '2026-03-15T00:00:00Z' });
  });

  test('week crossing a year boundary (Wednesday start)', () => {
    // 2027-01-01 is a Friday; the week began Wednesday 2026-12-30.
    assert.deepEqual(windowOf('week', at('2027-01-01T08:00:00Z'), { weekStartsOn: 3, monthStartsOn: 1 }), {
      start: '2026-12-30T00:00:00Z',
      resetAt: '2027-01-06T00:00:00Z',
    });
  });

  test('month starting on the 1st: last instant of the month and exactly at the boundary', () => {
    assert.deepEqual(windowOf('month', at('2026-11-30T23:59:59.999Z'), defaults), { start: '2026-11-01T00:00:00Z', resetAt: '2026-12-01T00:00:00Z' });
    assert.deepEqual(windowOf('month', at('2026-12-01T00:00:00Z'), defaults), { start: '2026-12-01T00:00:00Z', resetAt: '2027-01-01T00:00:00Z' });
  });

  test('month starting on the 15th: before the start day the window began last month', () => {
    const mid = { weekStartsOn: 1, monthStartsOn: 15 };
    assert.deepEqual(windowOf('month', at('2026-03-14T23:59:59Z'), mid), { start: '2026-02-15T00:00:00Z', resetAt: '2026-03-15T00:00:00Z' });
    assert.deepEqual(windowOf('month', at('2026-03-15T00:00:00Z'), mid), { start: '2026-03-15T00:00:00Z', resetAt: '2026-04-15T00:00:00Z' });
  });

  test('month starting on the 10th in early January reaches back to December of the previous year', () => {
    assert.deepEqual(windowOf('month', at('2027-01-03T00:00:00Z'), { weekStartsOn: 1, monthStartsOn: 10 }), {
      start: '2026-12-10T00:00:00Z',
      resetAt: '2027-01-10T00:00:00Z',
    });
  });

  test('month starting on the 28th around February, leap year and not', () => {
    const late = { weekStartsOn: 1, monthStartsOn: 28 };
    assert.deepEqual(windowOf('month', at('2028-02-29T12:00:00Z'), late), { start: '2028-02-28T00:00:00Z', resetAt: '2028-03-28T00:00:00Z' });
    assert.deepEqual(windowOf('month', at('2026-03-01T00:00:00Z'), late), { start: '2026-02-28T00:00:00Z', resetAt: '2026-03-28T00:00:00Z' });
    assert.deepEqual(windowOf('month', at('2026-02-27T00:00:00Z'), late), { start: '2026-01-28T00:00:00Z', resetAt: '2026-02-28T00:00:00Z' });
  });

  test('total: starts at the epoch and never resets', () => {
    assert.deepEqual(windowOf('total', at('2031-07-04T05:06:07Z'), defaults), { start: '1970-01-01T00:00:00Z', resetAt: null });
  });

  test('rejects an invalid date or out-of-range starts instead of computing a bogus window', () => {
    assert.throws(() => windowOf('day', new Date('nope'), defaults), RangeError);
    assert.throws(() => windowOf('week', at('2026-03-15T00:00:00Z'), { weekStartsOn: 0, monthStartsOn: 1 }), RangeError);
    assert.throws(() => windowOf('month', at('2026-03-15T00:00:00Z'), { weekStartsOn: 1, monthStartsOn: 31 }), RangeError);
  });
});
