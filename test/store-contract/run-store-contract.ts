import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashKey } from '../../src/core/hash-key.ts';
import { requestLogRow } from '../support/observability/request-log-row.ts';
import type { Storage } from '../../src/store/ports.ts';
import type { BudgetRule, SpendLedgerEntry } from '../../src/store/spend-store.ts';
import { entry as baseEntry, rule as baseRule } from '../support/store/spend-fixtures.ts';
import { VirtualKeyConflictError, type VirtualKeyRecord } from '../../src/store/virtual-key-store.ts';
import type { StoredResponse } from '../../src/store/response-store.ts';

/** Opens a backend. `reopen` opens the same data again (after `close`), for durability checks. */
export interface StoreContractBackend {
  storage: Storage;
  reopen(): Promise<Storage>;
  cleanup(): Promise<void>;
}

export interface StoreContractOptions {
  /** The backend's reservation lease (how long an unrenewed reservation holds). */
  leaseMs: number;
}

const november = new Date('2026-11-10T12:00:00Z');
const later = (ms: number) => new Date(november.getTime() + ms);

// This suite's own defaults on the shared fixtures: a $0.001 cap, an entry of a user-less CI key.
const rule = (overrides: Partial<BudgetRule> = {}): BudgetRule => baseRule({ limitMicros: 1_000, ...overrides });

const entry = (overrides: Partial<SpendLedgerEntry> = {}): SpendLedgerEntry =>
  baseEntry({ user: null, tags: ['ci'], provider: 'oai', model: 'gpt-5', inputTokens: 10, outputTokens: 5, ...overrides });

function keyRecord(name: string, secret: string, overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return {
    name,
    hash: hashKey(secret),
    prefix: secret.slice(0, 12),
    tags: [],
    aliases: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    source: 'api',
    ...overrides,
  };
}

function storedResponse(id: string, previousId: string | null, overrides: Partial<StoredResponse> = {}): StoredResponse {
  return {
    id,
    scope: 'alice',
    previousId,
    createdAt: november.toISOString(),
    expiresAt: later(3_600_000).toISOString(),
    input: [{ type: 'function_call_output', call_id: `call_${id}`, output: 'ok' }],
    response: { id, object: 'response', status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: id }] }] },
    ...overrides,
  };
}

/**
 * The behaviour every `Storage` backend promises (`src/store/ports.ts`, `spend-store.ts`,
 * `virtual-key-store.ts`), as one suite each backend runs with one line:
 * `runStoreContract('sqlite', open, { leaseMs })`. Each test gets a fresh, empty backend.
 */
export function runStoreContract(name: string, open: () => Promise<StoreContractBackend>, options: StoreContractOptions): void {
  describe(`store contract: ${name}`, () => {
    const opened: StoreContractBackend[] = [];
    after(async () => {
      for (const backend of opened) await backend.cleanup();
    });
    const fresh = async () => {
      const backend = await open();
      opened.push(backend);
      return backend;
    };

    test('ping answers on a healthy store', async () => {
      const { storage } = await fresh();
      await storage.ping();
    });

    test('request log: a row round-trips every field; query filters and orders newest first; a repeated request id replaces', async () => {
      const { storage } = await fresh();
      const first = requestLogRow({
        requestId: 'r1',
        startedAt: '2026-11-10T10:00:00.000Z',
        warnings: ['w: one'],
        requestBody: '{"a":1}',
        cache: 'hit',
        costSavedMicros: 500,
        promptCacheSavedMicros: 70,
      });
      storage.logs.append(first);
      storage.logs.append(requestLogRow({ requestId: 'r2', startedAt: '2026-11-10T11:00:00.000Z', keyName: 'bob', outcome: 'upstream_error', status: 502 }));
      storage.logs.append(requestLogRow({ requestId: 'r3', startedAt: '2026-11-10T12:00:00.000Z', model: 'fast', servedModel: 'gpt-5' }));
      await storage.logs.flush();
      assert.deepEqual(
        (await storage.logs.query({})).map((row) => row.requestId),
        ['r3', 'r2', 'r1'],
      );
      assert.deepEqual((await storage.logs.query({ key: 'alice' })).at(-1), first);
      assert.deepEqual(
        (await storage.logs.query({ outcome: 'upstream_error' })).map((row) => row.requestId),
        ['r2'],
      );
      assert.deepEqual(
        (await storage.logs.query({ model: 'gpt-5' })).map((row) => row.requestId),
        ['r3'],
      );
      assert.deepEqual(
        (await storage.logs.query({ since: '2026-11-10T11:00:00.000Z', limit: 1 })).map((row) => row.requestId),
        ['r3'],
      );
      storage.logs.append({ ...first, status: 499, outcome: 'client_disconnected' });
      await storage.logs.flush();
      const again = await storage.logs.query({ key: 'alice' });
      assert.equal(again.length, 2);
      assert.equal(again.find((row) => row.requestId === 'r1')?.outcome, 'client_disconnected');
    });

    test('request log: rollup groups routed rows (rejections left out), costliest first', async () => {
      const { storage } = await fresh();
      storage.logs.append(requestLogRow({ requestId: 'a', keyName: 'alice', costMicros: 100 }));
      storage.logs.append(requestLogRow({ requestId: 'b', keyName: 'bob', costMicros: 300 }));
      storage.logs.append(
        requestLogRow({ requestId: 'c', keyName: 'alice', costMicros: 0, provider: null, servedModel: null, status: 404, outcome: 'rejected_model' }),
      );
      assert.deepEqual(
        (await storage.logs.rollup({ groupBy: 'key' })).map((row) => [row.group, row.costMicros, row.requests]),
        [
          ['bob', 300, 1],
          ['alice', 100, 1],
        ],
      );
    });

    test('request log: rows appended before close are there after a reopen', async () => {
      const backend = await fresh();
      for (let index = 0; index < 250; index++) backend.storage.logs.append(requestLogRow({ requestId: `durable-${index}` }));
      await backend.storage.close();
      const reopened = await backend.reopen();
      try {
        assert.equal((await reopened.logs.query({ limit: 1000 })).filter((row) => row.requestId.startsWith('durable-')).length, 250);
      } finally {
        await reopened.close();
      }
    });

    test('virtual keys: create, find by hash, get, list, update, revoke; conflicts name their field', async () => {
      const { storage } = await fresh();
      assert.equal(await storage.keys.hasAny(), false);
      const alice = keyRecord('alice', 'sk-sy-contract-alice-0000000', {
        team: 'platform',
        modelsAllowed: ['smart'],
        budget: { limitUsd: 5, window: 'day', mode: 'hard', warnAt: 0.8, weekStartsOn: 1, monthStartsOn: 1 },
        guardrails: { secrets: 'block', scanOutput: true },
        cache: { mode: 'respect', ttlSeconds: 60 },
      });
      await storage.keys.create(alice);
      await storage.keys.create(keyRecord('bob', 'sk-sy-contract-bob-00000000'));
      assert.equal(await storage.keys.hasAny(), true);
      assert.deepEqual(await storage.keys.findByHash(alice.hash), alice);
      assert.deepEqual(await storage.keys.get('alice'), alice);
      assert.equal(await storage.keys.findByHash(hashKey('sk-nobody')), undefined);
      assert.deepEqual(
        (await storage.keys.list()).map((record) => record.name),
        ['alice', 'bob'],
      );
      await assert.rejects(
        storage.keys.create(keyRecord('alice', 'sk-sy-other')),
        (error: unknown) => error instanceof VirtualKeyConflictError && error.field === 'name',
      );
      await assert.rejects(
        storage.keys.create(keyRecord('carol', 'sk-sy-contract-bob-00000000')),
        (error: unknown) => error instanceof VirtualKeyConflictError && error.field === 'hash',
      );
      const updated = await storage.keys.update('alice', { team: null, tags: ['x'] });
      assert.equal(updated?.team, undefined);
      assert.deepEqual(updated?.tags, ['x']);
      assert.deepEqual(updated?.modelsAllowed, ['smart']);
      assert.deepEqual(updated?.guardrails, { secrets: 'block', scanOutput: true });
      // A guardrails override is replaced whole, and null removes it.
      assert.deepEqual((await storage.keys.update('alice', { guardrails: { pii: 'off' } }))?.guardrails, { pii: 'off' });
      assert.equal((await storage.keys.update('alice', { guardrails: null }))?.guardrails, undefined);
      // So is a cache override (decision 0012).
      assert.deepEqual(updated?.cache, { mode: 'respect', ttlSeconds: 60 });
      assert.deepEqual((await storage.keys.update('alice', { cache: { mode: 'force' } }))?.cache, { mode: 'force' });
      assert.equal((await storage.keys.update('alice', { cache: null }))?.cache, undefined);
      assert.equal(await storage.keys.update('nobody', { team: 'x' }), undefined);
      const revoked = await storage.keys.revoke('alice', new Date('2026-02-01T00:00:00Z'));
      assert.equal(revoked?.revokedAt, '2026-02-01T00:00:00.000Z');
      assert.equal((await storage.keys.revoke('alice', new Date('2026-03-01T00:00:00Z')))?.revokedAt, '2026-02-01T00:00:00.000Z');
    });

    test('spend: reserve is all or nothing across rules; the first hard rule that overflows is named', async () => {
      const { storage } = await fresh();
      const team = rule({ scope: 'team', subject: 'platform', limitMicros: 500 });
      const key = rule({ limitMicros: 2_000 });
      const soft = rule({ scope: 'tag', subject: 'ci', limitMicros: 1, mode: 'soft' });
      assert.equal((await storage.spend.reserve({ reservationId: 'a', rules: [key, team, soft], amountMicros: 400, now: november })).ok, true);
      const refused = await storage.spend.reserve({ reservationId: 'b', rules: [soft, key, team], amountMicros: 200, now: november });
      assert.equal(refused.ok, false);
      assert.ok(!refused.ok);
      assert.equal(refused.blocked.rule.scope, 'team');
      assert.deepEqual(
        (await storage.spend.usage([key, team, soft], november)).map((usage) => usage.reservedMicros),
        [400, 400, 400],
      );
    });

    test('spend: settle bills once and frees the hold; release is idempotent; a settle after release bills nothing', async () => {
      const { storage } = await fresh();
      const key = rule();
      await storage.spend.reserve({ reservationId: 's', rules: [key], amountMicros: 600, now: november });
      assert.equal((await storage.spend.settle({ reservationId: 's', actualMicros: 250, entry: entry({ requestId: 's', costMicros: 250 }) })).settled, true);
      assert.equal((await storage.spend.settle({ reservationId: 's', actualMicros: 250, entry: entry({ requestId: 's', costMicros: 250 }) })).settled, false);
      await storage.spend.reserve({ reservationId: 'r', rules: [key], amountMicros: 100, now: november });
      assert.equal(await storage.spend.release('r'), true);
      assert.equal(await storage.spend.release('r'), false);
      assert.equal((await storage.spend.settle({ reservationId: 'r', actualMicros: 9, entry: entry({ requestId: 'r', costMicros: 9 }) })).settled, false);
      const [usage] = await storage.spend.usage([key], november);
      assert.deepEqual([usage?.spentMicros, usage?.reservedMicros], [250, 0]);
    });

    test('spend: warn crossings are reported once, by the settlement or record that crosses', async () => {
      const { storage } = await fresh();
      const key = rule({ limitMicros: 1_000, warnAt: 0.5 });
      const first = await storage.spend.record({ rules: [key], entry: entry({ requestId: 'w1', costMicros: 499 }), now: november });
      const second = await storage.spend.record({ rules: [key], entry: entry({ requestId: 'w2', costMicros: 1 }), now: november });
      const third = await storage.spend.record({ rules: [key], entry: entry({ requestId: 'w3', costMicros: 1 }), now: november });
      assert.deepEqual(
        [first, second, third].map((result) => result.crossed.map((crossing) => crossing.spentMicros)),
        [[], [500], []],
      );
    });

    test('spend: every attempt reaches the ledger, budgeted or not; rollup counts a request once', async () => {
      const { storage } = await fresh();
      await storage.spend.record({ rules: [], entry: entry({ requestId: 'x', attempt: 1, reason: 'retry', costMicros: 0 }), now: november });
      await storage.spend.record({
        rules: [],
        entry: entry({ requestId: 'x', attempt: 2, costMicros: 70, createdAt: '2026-11-10T12:00:01.000Z' }),
        now: november,
      });
      await storage.spend.record({ rules: [rule()], entry: entry({ requestId: 'y', keyName: 'bob', costMicros: 30 }), now: november });
      assert.deepEqual(
        (await storage.spend.rollup({ groupBy: 'key' })).map((row) => [row.group, row.costMicros, row.requests]),
        [
          ['alice', 70, 1],
          ['bob', 30, 1],
        ],
      );
      assert.deepEqual(
        (await storage.spend.rollup({ groupBy: 'tag' })).map((row) => [row.group, row.costMicros, row.requests]),
        [['ci', 100, 2]],
      );
    });

    test('spend: attributes reach the ledger; an attribute budget counts what its value already spent; rollup by attribute', async () => {
      const { storage } = await fresh();
      await storage.spend.record({ rules: [], entry: entry({ requestId: 'a', costMicros: 40, attributes: { repo: 'billing' } }), now: november });
      await storage.spend.record({ rules: [], entry: entry({ requestId: 'b', costMicros: 25, attributes: { repo: 'search', team_x: 'y' } }), now: november });
      await storage.spend.record({ rules: [], entry: entry({ requestId: 'c', costMicros: 5 }), now: november });
      // Unbudgeted entries may be written behind; a counter that appears mid-window is then seeded from the ledger, matching on the attribute's value.
      await storage.logs.flush();
      const billing = rule({ scope: 'attribute', subject: 'repo=billing' });
      const usage = await storage.spend.usage([billing, rule({ scope: 'attribute', subject: 'repo=nothing' })], november);
      assert.deepEqual(
        usage.map((row) => row.spentMicros),
        [40, 0],
      );
      assert.deepEqual(
        (await storage.spend.rollup({ groupBy: 'attribute', attribute: 'repo' })).map((row) => [row.group, row.costMicros, row.requests]),
        [
          ['billing', 40, 1],
          ['search', 25, 1],
          ['(none)', 5, 1],
        ],
      );
      storage.logs.append(requestLogRow({ requestId: 'l1', provider: 'oai', costMicros: 9, attributes: { repo: 'billing' } }));
      await storage.logs.flush();
      assert.deepEqual(
        (await storage.logs.rollup({ groupBy: 'attribute', attribute: 'repo' })).map((row) => [row.group, row.costMicros]),
        [['billing', 9]],
      );
    });

    test('request log: experiment stats per variant', async () => {
      const { storage } = await fresh();
      const row = (id: string, variant: string, outcome: 'ok' | 'upstream_error', latencyMs: number) =>
        requestLogRow({ requestId: id, experiment: 'ab', variant, outcome, latencyMs, costMicros: 10, servedModel: variant === 'x' ? 'gpt-5' : 'claude' });
      for (const logged of [row('1', 'x', 'ok', 100), row('2', 'x', 'upstream_error', 300), row('3', 'y', 'ok', 50), requestLogRow({ requestId: '4' })])
        storage.logs.append(logged);
      await storage.logs.flush();
      assert.deepEqual(
        (await storage.logs.experimentStats({})).map((stats) => [
          stats.experiment,
          stats.variant,
          stats.requests,
          stats.errors,
          stats.avgLatencyMs,
          stats.costMicros,
          stats.servedModels,
        ]),
        [
          ['ab', 'x', 2, 1, 200, 20, ['gpt-5']],
          ['ab', 'y', 1, 0, 50, 10, ['claude']],
        ],
      );
    });

    test('spend: a lease holds while renewed, lapses one lease after the last renewal, and then no longer counts', async () => {
      const { storage } = await fresh();
      const key = rule({ limitMicros: 1_000 });
      const lease = options.leaseMs;
      await storage.spend.reserve({ reservationId: 'lease', rules: [key], amountMicros: 1_000, now: november });
      assert.equal(await storage.spend.renew(['lease'], later(lease * 0.9)), 1);
      assert.equal((await storage.spend.reserve({ reservationId: 'early', rules: [key], amountMicros: 1, now: later(lease * 1.5) })).ok, false);
      assert.equal((await storage.spend.reserve({ reservationId: 'late', rules: [key], amountMicros: 1, now: later(lease * 2) })).ok, true);
      assert.equal((await storage.spend.usage([key], later(lease * 2)))[0]?.reservedMicros, 1);
      // Its late settle still bills what was spent.
      await storage.spend.settle({ reservationId: 'lease', actualMicros: 300, entry: entry({ requestId: 'lease', costMicros: 300 }) });
      assert.equal((await storage.spend.usage([key], later(lease * 2)))[0]?.spentMicros, 300);
    });

    test('spend: releaseAbandoned frees the holds of earlier runs of one instance only', async () => {
      const { storage } = await fresh();
      const key = rule({ limitMicros: 10_000 });
      const reserve = (id: string, instanceId: string, runId: string) =>
        storage.spend.reserve({ reservationId: id, rules: [key], amountMicros: 1_000, now: november, holder: { instanceId, runId } });
      await reserve('old', 'node-a', 'run-1');
      await reserve('current', 'node-a', 'run-2');
      await reserve('neighbour', 'node-b', 'run-1');
      assert.equal(await storage.spend.releaseAbandoned({ instanceId: 'node-a', runId: 'run-2' }), 1);
      assert.equal((await storage.spend.usage([key], november))[0]?.reservedMicros, 2_000);
    });

    test('responses: a record round-trips; another scope, an expired record and a deleted one are not found', async () => {
      const { storage } = await fresh();
      const first = storedResponse('resp_a', null, { input: [{ type: 'message', role: 'user', content: 'hi' }] });
      await storage.responses.put(first);
      assert.deepEqual(await storage.responses.get('resp_a', 'alice', november), first);
      assert.equal(await storage.responses.get('resp_a', 'bob', november), undefined);
      assert.equal(await storage.responses.get('resp_a', 'alice', later(2 * 3_600_000)), undefined, 'expired');
      assert.equal(await storage.responses.delete('resp_a', 'bob'), false);
      assert.equal(await storage.responses.delete('resp_a', 'alice'), true);
      assert.equal(await storage.responses.get('resp_a', 'alice', november), undefined);
      assert.equal(await storage.responses.delete('resp_a', 'alice'), false);
    });

    test('responses: a chain is read oldest first, scoped; a missing or expired link breaks it', async () => {
      const { storage } = await fresh();
      await storage.responses.put(storedResponse('resp_1', null));
      await storage.responses.put(storedResponse('resp_2', 'resp_1'));
      await storage.responses.put(storedResponse('resp_3', 'resp_2'));
      // The same id in another scope is another record.
      await storage.responses.put(storedResponse('resp_2', null, { scope: 'bob' }));
      assert.deepEqual(
        (await storage.responses.chain('resp_3', 'alice', november))?.map((record) => record.id),
        ['resp_1', 'resp_2', 'resp_3'],
      );
      assert.equal(await storage.responses.chain('resp_3', 'bob', november), undefined);
      assert.deepEqual(
        (await storage.responses.chain('resp_2', 'bob', november))?.map((record) => record.scope),
        ['bob'],
      );
      await storage.responses.put(storedResponse('resp_1', null, { expiresAt: later(1_000).toISOString() }));
      assert.equal(await storage.responses.chain('resp_3', 'alice', later(2_000)), undefined, 'the first link expired');
      await storage.responses.delete('resp_1', 'alice');
      assert.equal(await storage.responses.chain('resp_3', 'alice', november), undefined, 'the first link is gone');
    });

    test('responses: purgeExpired removes only what has expired', async () => {
      const { storage } = await fresh();
      await storage.responses.put(storedResponse('resp_old', null, { expiresAt: later(1_000).toISOString() }));
      await storage.responses.put(storedResponse('resp_new', null));
      assert.equal(await storage.responses.purgeExpired(later(5_000)), 1);
      assert.equal(await storage.responses.purgeExpired(later(5_000)), 0);
      assert.ok(await storage.responses.get('resp_new', 'alice', later(5_000)));
    });
  });
}
