import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SqliteSpendStore } from './spend-store.ts';
import { entry, openSpendDatabase, rule, temporaryDatabasePath } from '../../../test/support/store/spend-test-support.ts';

const november = new Date('2026-11-10T12:00:00Z');
const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((cleanup) => cleanup()));

function freshStore(options: ConstructorParameters<typeof SqliteSpendStore>[1] = {}) {
  const { path, cleanup } = temporaryDatabasePath();
  const database = openSpendDatabase(path);
  cleanups.push(() => {
    database.close();
    cleanup();
  });
  return { store: new SqliteSpendStore(database, options), database, path };
}

function reservationCount(database: ReturnType<typeof openSpendDatabase>): number {
  return (database.prepare('SELECT COUNT(*) AS n FROM spend_reservations').get() as { n: number }).n;
}

describe('SqliteSpendStore reserve', () => {
  test('holds the amount in every rule, soft ones included, and reports the window', async () => {
    const { store } = freshStore();
    const rules = [rule(), rule({ scope: 'team', subject: 'platform', mode: 'soft', limitMicros: 10 })];
    const result = await store.reserve({ reservationId: 'r1', rules, amountMicros: 250_000, now: november });
    assert.equal(result.ok, true);
    const usage = await store.usage(rules, november);
    assert.deepEqual(
      usage.map((entry) => [entry.rule.scope, entry.spentMicros, entry.reservedMicros, entry.limitMicros, entry.windowStart, entry.resetAt]),
      [
        ['key', 0, 250_000, 1_000_000, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
        ['team', 0, 250_000, 10, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
      ],
    );
  });

  test('rejects on the FIRST hard rule that would overflow and writes nothing anywhere', async () => {
    const { store, database } = freshStore();
    const roomy = rule({ scope: 'org', subject: '*', limitMicros: 100_000_000 });
    const soft = rule({ scope: 'tag', subject: 'ci', mode: 'soft', limitMicros: 1 });
    const team = rule({ scope: 'team', subject: 'platform', limitMicros: 500_000 });
    const key = rule({ limitMicros: 400_000 });
    await store.record({ rules: [team], entry: entry({ costMicros: 300_000 }), now: november });
    const before = await store.usage([roomy, soft, team, key], november);
    const result = await store.reserve({ reservationId: 'r1', rules: [roomy, soft, team, key], amountMicros: 250_000, now: november });
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.blocked.rule.scope, 'team');
    assert.equal(result.blocked.spentMicros, 300_000);
    assert.equal(result.blocked.limitMicros, 500_000);
    assert.equal(result.blocked.resetAt, '2026-12-01T00:00:00Z');
    assert.equal(result.amountMicros, 250_000);
    assert.deepEqual(await store.usage([roomy, soft, team, key], november), before);
    assert.equal(reservationCount(database), 0);
  });

  test('soft rules never block, even far over their limit', async () => {
    const { store } = freshStore();
    const soft = rule({ mode: 'soft', limitMicros: 100 });
    for (let index = 0; index < 3; index++) {
      const result = await store.reserve({ reservationId: `r${index}`, rules: [soft], amountMicros: 1_000, now: november });
      assert.equal(result.ok, true);
    }
  });

  test('an exhausted hard budget blocks even a request of unknown (zero) cost; below it, zero passes', async () => {
    const { store } = freshStore();
    const key = rule({ limitMicros: 1_000 });
    assert.equal((await store.reserve({ reservationId: 'a', rules: [key], amountMicros: 0, now: november })).ok, true);
    await store.record({ rules: [key], entry: entry({ costMicros: 1_000 }), now: november });
    assert.equal((await store.reserve({ reservationId: 'b', rules: [key], amountMicros: 0, now: november })).ok, false);
  });

  test('rules sharing one counter move it once (two org budgets on the same window)', async () => {
    const { store } = freshStore();
    const rules = [rule({ scope: 'org', subject: '*', limitMicros: 1_000 }), rule({ scope: 'org', subject: '*', limitMicros: 5_000, mode: 'soft' })];
    await store.reserve({ reservationId: 'r1', rules, amountMicros: 600, now: november });
    assert.deepEqual(
      (await store.usage(rules, november)).map((entry) => entry.reservedMicros),
      [600, 600],
    );
    assert.equal((await store.reserve({ reservationId: 'r2', rules, amountMicros: 600, now: november })).ok, false);
  });

  test('rejects a negative or non-numeric amount and a reused reservation id', async () => {
    const { store } = freshStore();
    await assert.rejects(store.reserve({ reservationId: 'x', rules: [rule()], amountMicros: -1, now: november }), TypeError);
    await assert.rejects(store.reserve({ reservationId: 'x', rules: [rule()], amountMicros: Number.NaN, now: november }), TypeError);
    await store.reserve({ reservationId: 'y', rules: [rule()], amountMicros: 1, now: november });
    await assert.rejects(store.reserve({ reservationId: 'y', rules: [rule()], amountMicros: 1, now: november }), /already exists/);
  });
});

describe('SqliteSpendStore settle, release, record', () => {
  test('settle moves the hold to spent, appends the ledger entry, and is a no-op the second time', async () => {
    const { store } = freshStore();
    const rules = [rule()];
    await store.reserve({ reservationId: 'r1', rules, amountMicros: 500_000, now: november });
    const first = await store.settle({ reservationId: 'r1', actualMicros: 120_000, entry: entry({ costMicros: 120_000 }) });
    assert.equal(first.settled, true);
    const second = await store.settle({ reservationId: 'r1', actualMicros: 120_000, entry: entry({ costMicros: 120_000 }) });
    assert.deepEqual(second, { settled: false, crossed: [] });
    const [usage] = await store.usage(rules, november);
    assert.equal(usage?.spentMicros, 120_000);
    assert.equal(usage?.reservedMicros, 0);
    assert.deepEqual(await store.rollup({ groupBy: 'key' }), [
      { group: 'alice', costMicros: 120_000, requests: 1, inputTokens: 100, outputTokens: 50, estimatedMicros: 0 },
    ]);
  });

  test('release frees the hold without billing; twice is safe; settle afterwards bills nothing', async () => {
    const { store } = freshStore();
    const rules = [rule()];
    await store.reserve({ reservationId: 'r1', rules, amountMicros: 500_000, now: november });
    assert.equal(await store.release('r1'), true);
    assert.equal(await store.release('r1'), false);
    assert.deepEqual(await store.settle({ reservationId: 'r1', actualMicros: 9, entry: entry({ costMicros: 9 }) }), { settled: false, crossed: [] });
    const [usage] = await store.usage(rules, november);
    assert.deepEqual([usage?.spentMicros, usage?.reservedMicros], [0, 0]);
    assert.deepEqual(await store.rollup({ groupBy: 'key' }), []);
  });

  test('settle bills the window it reserved in, even after the window rolled over', async () => {
    const { store } = freshStore();
    const rules = [rule({ window: 'day' })];
    const lateNight = new Date('2026-11-30T23:59:50Z');
    await store.reserve({ reservationId: 'r1', rules, amountMicros: 200_000, now: lateNight });
    await store.settle({ reservationId: 'r1', actualMicros: 150_000, entry: entry({ costMicros: 150_000, createdAt: '2026-12-01T00:00:05.000Z' }) });
    const [yesterday] = await store.usage(rules, lateNight);
    const [today] = await store.usage(rules, new Date('2026-12-01T00:00:10Z'));
    assert.deepEqual([yesterday?.spentMicros, yesterday?.reservedMicros], [150_000, 0]);
    assert.deepEqual([today?.windowStart, today?.reservedMicros], ['2026-12-01T00:00:00Z', 0]);
  });

  test('warn threshold and cap: each reported once, by the settlement that crosses it, for hard and soft rules', async () => {
    const { store } = freshStore();
    const hard = rule({ limitMicros: 1_000_000, warnAt: 0.8 });
    const soft = rule({ scope: 'team', subject: 'platform', mode: 'soft', limitMicros: 500_000, warnAt: 0.5 });
    const crossedBy = async (id: string, micros: number) => {
      await store.reserve({ reservationId: id, rules: [hard, soft], amountMicros: micros, now: november });
      const result = await store.settle({ reservationId: id, actualMicros: micros, entry: entry({ requestId: id, costMicros: micros }) });
      return result.crossed.map((crossing) => `${crossing.rule.scope}@${crossing.threshold}:${crossing.spentMicros}`);
    };
    assert.deepEqual(await crossedBy('a', 249_999), []);
    assert.deepEqual(await crossedBy('b', 1), ['team@0.5:250000']);
    // The soft team budget reaches its cap (500,000) on the way.
    assert.deepEqual(await crossedBy('c', 549_999), ['team@1:799999']);
    assert.deepEqual(await crossedBy('d', 1), ['key@0.8:800000']);
    assert.deepEqual(await crossedBy('e', 100_000), []);
    assert.deepEqual(await crossedBy('f', 100_000), ['key@1:1000000']);
    assert.deepEqual(await crossedBy('g', 100_000), []);
  });

  test('record bills the current windows of the rules given and reports crossings', async () => {
    const { store } = freshStore();
    const key = rule({ limitMicros: 100, warnAt: 0.5 });
    const result = await store.record({ rules: [key], entry: entry({ costMicros: 60, reason: 'retry', attempt: 1 }), now: november });
    assert.deepEqual(
      result.crossed.map((crossing) => crossing.spentMicros),
      [60],
    );
    assert.equal((await store.usage([key], november))[0]?.spentMicros, 60);
  });

  test('a counter that first appears mid-window starts from what the ledger already holds', async () => {
    const { store } = freshStore();
    await store.record({ rules: [], entry: entry({ costMicros: 700, tags: ['ci', 'nightly'], createdAt: '2026-11-05T00:00:00.000Z' }), now: november });
    await store.record({ rules: [], entry: entry({ costMicros: 50, team: 'other', tags: [], createdAt: '2026-11-06T00:00:00.000Z' }), now: november });
    await store.record({ rules: [], entry: entry({ costMicros: 9_000, createdAt: '2026-10-31T23:59:59.999Z' }), now: november });
    const spent = async (scope: 'team' | 'tag' | 'org' | 'key' | 'user', subject: string) =>
      (await store.usage([rule({ scope, subject })], november))[0]?.spentMicros;
    assert.equal(await spent('team', 'platform'), 700);
    assert.equal(await spent('tag', 'nightly'), 700);
    assert.equal(await spent('tag', 'night'), 0);
    assert.equal(await spent('org', '*'), 750);
    assert.equal(await spent('key', 'alice'), 750);
    assert.equal(await spent('user', 'alice@example.com'), 750);
  });

  test('a reservation whose process died is swept after its TTL; its late settle still bills once', async () => {
    const { store, database } = freshStore({ reservationTtlMs: 60_000 });
    const key = rule({ limitMicros: 1_000 });
    assert.equal((await store.reserve({ reservationId: 'lost', rules: [key], amountMicros: 1_000, now: november })).ok, true);
    assert.equal((await store.reserve({ reservationId: 'early', rules: [key], amountMicros: 1, now: new Date(november.getTime() + 59_000) })).ok, false);
    const later = new Date(november.getTime() + 61_000);
    assert.equal((await store.reserve({ reservationId: 'later', rules: [key], amountMicros: 400, now: later })).ok, true);
    assert.equal(reservationCount(database), 2);
    await store.settle({ reservationId: 'lost', actualMicros: 300, entry: entry({ costMicros: 300 }) });
    const [usage] = await store.usage([key], later);
    assert.deepEqual([usage?.spentMicros, usage?.reservedMicros], [300, 400]);
  });
});

describe('SqliteSpendStore rollup', () => {
  test('groups the ledger by key, team, model, day, user, provider and tag within [since, until)', async () => {
    const { store } = freshStore();
    const rows = [
      entry({ requestId: 'a', costMicros: 100, createdAt: '2026-11-01T10:00:00Z', tags: ['ci'] }),
      entry({
        requestId: 'a',
        attempt: 2,
        costMicros: 10,
        reason: 'retry',
        estimated: true,
        provider: 'oai',
        model: 'gpt-5',
        createdAt: '2026-11-01T10:00:01Z',
      }),
      entry({ requestId: 'b', keyName: 'bob', team: null, user: null, costMicros: 500, createdAt: '2026-11-02T09:00:00Z', tags: ['ci', 'nightly'] }),
      entry({ requestId: 'c', costMicros: 7, createdAt: '2026-11-03T00:00:00Z' }),
    ];
    for (const row of rows) await store.record({ rules: [], entry: row, now: november });
    const groups = async (groupBy: Parameters<typeof store.rollup>[0]['groupBy'], since?: string, until?: string) =>
      (await store.rollup({ groupBy, ...(since ? { since } : {}), ...(until ? { until } : {}) })).map((row) => [row.group, row.costMicros, row.requests]);
    assert.deepEqual(await groups('key'), [
      ['bob', 500, 1],
      ['alice', 117, 2],
    ]);
    assert.deepEqual(await groups('team'), [
      ['(none)', 500, 1],
      ['platform', 117, 2],
    ]);
    assert.deepEqual(await groups('model'), [
      ['claude-sonnet-4-5', 607, 3],
      ['gpt-5', 10, 1],
    ]);
    assert.deepEqual(await groups('provider'), [
      ['anthro', 607, 3],
      ['oai', 10, 1],
    ]);
    assert.deepEqual(await groups('day'), [
      ['2026-11-01', 110, 1],
      ['2026-11-02', 500, 1],
      ['2026-11-03', 7, 1],
    ]);
    assert.deepEqual(await groups('tag'), [
      ['ci', 600, 2],
      ['nightly', 500, 1],
    ]);
    assert.deepEqual(await groups('user'), [
      ['(none)', 500, 1],
      ['alice@example.com', 117, 2],
    ]);
    assert.deepEqual(await groups('day', '2026-11-02', '2026-11-03'), [['2026-11-02', 500, 1]]);
    const [alice] = await store.rollup({ groupBy: 'key', until: '2026-11-02T00:00:00Z' });
    assert.deepEqual(alice, { group: 'alice', costMicros: 110, requests: 1, inputTokens: 200, outputTokens: 100, estimatedMicros: 10 });
    await assert.rejects(store.rollup({ groupBy: 'key', since: 'yesterday-ish' }), RangeError);
  });
});

describe('SqliteSpendStore across connections (two gateway processes on one file)', () => {
  test('two stores on two connections share counters and never exceed the cap', async () => {
    const { path, store: first } = freshStore();
    const other = openSpendDatabase(path);
    cleanups.unshift(() => other.close());
    const second = new SqliteSpendStore(other);
    const key = rule({ limitMicros: 300_000 });
    const attempts = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? first : second).reserve({ reservationId: `r${index}`, rules: [key], amountMicros: 100_000, now: november }),
    );
    const results = await Promise.all(attempts);
    assert.equal(results.filter((result) => result.ok).length, 3);
    assert.equal((await second.usage([key], november))[0]?.reservedMicros, 300_000);
  });

  test('two OS processes racing on their own connections admit exactly what fits', async () => {
    // 400 slots of $0.0025 and 400 attempts per process: long enough that the two loops truly
    // interleave (without the IMMEDIATE transaction this admits well over 400).
    const { path, store } = freshStore();
    const limitMicros = 1_000_000;
    const spawnRacer = (name: string) => {
      const child = fork(fileURLToPath(new URL('../../../test/support/store/spend-race-worker.ts', import.meta.url)), {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, SPEND_RACE: JSON.stringify({ path, name, limitMicros, attempts: 400, amountMicros: 2_500, now: november.toISOString() }) },
      });
      const messages: unknown[] = [];
      const ready = new Promise<void>((resolve) =>
        child.on('message', (message) => {
          messages.push(message);
          if (message === 'ready') resolve();
        }),
      );
      const done = new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => {
          const admitted = messages.find((message) => typeof message === 'number');
          if (code === 0 && typeof admitted === 'number') resolve(admitted);
          else reject(new Error(`race process ${name} exited ${code}`));
        });
      });
      return { child, ready, done };
    };
    const racers = [spawnRacer('left'), spawnRacer('right')];
    await Promise.all(racers.map((racer) => racer.ready));
    for (const racer of racers) racer.child.send('go');
    const admitted = await Promise.all(racers.map((racer) => racer.done));
    assert.equal(admitted[0]! + admitted[1]!, 400, `admitted ${admitted.join(' + ')}`);
    const [usage] = await store.usage([rule({ limitMicros })], november);
    assert.deepEqual([usage?.spentMicros, usage?.reservedMicros], [0, 1_000_000]);
  });
});

describe('SqliteSpendStore leases', () => {
  test('a renewed lease keeps its hold past the TTL; once renewals stop, it lapses one TTL after the last', async () => {
    const { store } = freshStore({ reservationTtlMs: 60_000 });
    const key = rule({ limitMicros: 1_000 });
    const at = (seconds: number) => new Date(november.getTime() + seconds * 1000);
    assert.equal((await store.reserve({ reservationId: 'long', rules: [key], amountMicros: 1_000, now: november })).ok, true);
    assert.equal(await store.renew(['long', 'unknown'], at(50)), 1);
    assert.equal((await store.reserve({ reservationId: 'b', rules: [key], amountMicros: 1, now: at(100) })).ok, false, 'renewed at 50 s: held until 110 s');
    assert.equal((await store.reserve({ reservationId: 'c', rules: [key], amountMicros: 1, now: at(111) })).ok, true, 'lapsed at 110 s');
    // A lapsed lease cannot be renewed back into a hold.
    assert.equal(await store.renew(['long'], at(112)), 0);
  });

  test('releaseAbandoned frees what earlier runs of the same instance hold, and nothing else', async () => {
    const { store, database } = freshStore();
    const key = rule({ limitMicros: 10_000 });
    const reserve = (id: string, instanceId: string, runId: string) =>
      store.reserve({ reservationId: id, rules: [key], amountMicros: 1_000, now: november, holder: { instanceId, runId } });
    await reserve('a-old', 'node-a', 'run-1');
    await reserve('a-older', 'node-a', 'run-0');
    await reserve('a-now', 'node-a', 'run-2');
    await reserve('b-old', 'node-b', 'run-1');
    await store.reserve({ reservationId: 'anonymous', rules: [key], amountMicros: 1_000, now: november });
    assert.equal((await store.usage([key], november))[0]?.reservedMicros, 5_000);
    assert.equal(await store.releaseAbandoned({ instanceId: 'node-a', runId: 'run-2' }), 2);
    assert.equal((await store.usage([key], november))[0]?.reservedMicros, 3_000);
    assert.equal(await store.releaseAbandoned({ instanceId: 'node-a', runId: 'run-2' }), 0, 'idempotent');
    const open = database.prepare("SELECT reservation_id FROM spend_reservations WHERE state = 'open' ORDER BY reservation_id").all() as Array<{
      reservation_id: string;
    }>;
    assert.deepEqual(
      open.map((row) => row.reservation_id),
      ['a-now', 'anonymous', 'b-old'],
    );
    // A late settle of a released one still bills (the money may have been spent), once.
    assert.equal((await store.settle({ reservationId: 'a-old', actualMicros: 400, entry: entry({ costMicros: 400 }) })).settled, true);
    const [usage] = await store.usage([key], november);
    assert.deepEqual([usage?.spentMicros, usage?.reservedMicros], [400, 3_000]);
  });
});
