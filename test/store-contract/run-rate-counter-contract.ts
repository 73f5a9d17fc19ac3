import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RateCounterStore, WindowCheck } from '../../src/store/rate-counter-store.ts';

const t0 = 1_700_000_000_000; // a whole second, so slots start exactly at t0
const window = (counter: string, limit: number, amount = 1): WindowCheck => ({ kind: 'window', counter, windowMs: 60_000, limit, amount });

/** What every rate counter backend promises (`src/store/rate-counter-store.ts`); each backend runs it with one line. */
export function runRateCounterContract(name: string, open: () => Promise<RateCounterStore>): void {
  describe(`rate counter contract: ${name}`, () => {
    test('a unit counts for one window from the start of its one-second slot, then slides out', async () => {
      const store = await open();
      assert.equal((await store.reserve([window('c', 2)], t0 + 400)).ok, true);
      assert.equal((await store.reserve([window('c', 2)], t0 + 30_000)).ok, true);
      const refused = await store.reserve([window('c', 2)], t0 + 45_000);
      assert.deepEqual(refused, { ok: false, failedIndex: 0, used: 2, retryAfterMs: 15_000 });
      // The first unit's slot started at t0, so it leaves at t0 + 60 s (not 60 s after t0 + 400 ms).
      assert.equal((await store.reserve([window('c', 2)], t0 + 59_999)).ok, false);
      const admitted = await store.reserve([window('c', 2)], t0 + 60_000);
      assert.deepEqual(admitted, { ok: true, states: [{ used: 2, resetMs: 60_000 }] });
    });

    test('reserve is all or nothing across counters', async () => {
      const store = await open();
      await store.reserve([window('b', 1)], t0);
      const refused = await store.reserve([window('a', 5), { kind: 'concurrent', counter: 'n', limit: 3 }, window('b', 1)], t0 + 1000);
      assert.equal(refused.ok, false);
      assert.equal(!refused.ok && refused.failedIndex, 2);
      // Neither `a` nor the concurrency slot took anything from the refused call.
      const next = await store.reserve([window('a', 5), { kind: 'concurrent', counter: 'n', limit: 3 }], t0 + 2000);
      assert.deepEqual(next.ok && next.states.map((state) => state.used), [1, 1]);
    });

    test('retry-after frees just enough of the oldest slots for the amount asked', async () => {
      const store = await open();
      await store.reserve([window('t', 100, 30)], t0);
      await store.reserve([window('t', 100, 30)], t0 + 10_000);
      await store.reserve([window('t', 100, 30)], t0 + 20_000);
      const refused = await store.reserve([window('t', 100, 50)], t0 + 25_000);
      // 90 used: 50 more fit only once the first two slots (60 units) have left: at t0 + 70 s.
      assert.equal(!refused.ok && refused.retryAfterMs, 45_000);
    });

    test('adjust corrects the original slot; release never goes below zero', async () => {
      const store = await open();
      await store.reserve([window('t', 100, 80)], t0);
      await store.adjust('t', 60_000, t0 + 999, -70);
      const after = await store.reserve([window('t', 100, 90)], t0 + 5000);
      assert.equal(after.ok, true);
      assert.equal(after.ok && after.states[0]!.used, 100);

      const concurrent = { kind: 'concurrent', counter: 'n', limit: 1 } as const;
      assert.equal((await store.reserve([concurrent], t0)).ok, true);
      assert.deepEqual(await store.reserve([concurrent], t0), { ok: false, failedIndex: 0, used: 1, retryAfterMs: 1000 });
      await store.release('n');
      await store.release('n');
      assert.equal((await store.reserve([concurrent], t0)).ok, true);
      assert.equal((await store.reserve([concurrent], t0)).ok, false);
    });
  });
}
