import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisCoordination } from '../../src/store/redis/redis-coordination.ts';
import { RedisSpendStore } from '../../src/store/redis/redis-spend-store.ts';
import { SqliteStorage } from '../../src/store/sqlite/sqlite-storage.ts';
import type { SpendStore } from '../../src/store/spend-store.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { spawnGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { startPrivateRedis } from '../support/redis/private-redis.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../support/redis/shared-redis.ts';
import { entry, rule } from '../support/store/spend-fixtures.ts';

// Reservations held in Redis by an instance that dies: they lapse with their lease (or at once
// when that instance restarts), and spend the dead one had already put on the ledger is not lost.
const prefixes: string[] = [];
let directory: string;
let emulator: ResponsesEmulator;
const processes: GatewayProcess[] = [];

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'switchyard-redis-lease-'));
  // A stream never answers in time: it is still in flight when its gateway is killed.
  emulator = await startResponsesEmulator({
    respond: (request) => ({ text: 'ok', usage: { input: 1, output: 1 }, ...(request.body?.stream ? { delayMs: 8_000 } : {}) }),
  });
});

after(async () => {
  await Promise.all(processes.map((gateway) => gateway.kill()));
  await emulator.close();
  for (const prefix of prefixes) await deletePrefix(prefix);
  rmSync(directory, { recursive: true, force: true });
});

async function twoInstances(name: string, leaseMs: number) {
  const keyPrefix = uniquePrefix(name);
  prefixes.push(keyPrefix);
  const storage = await SqliteStorage.open(join(directory, `${name}.db`));
  const open = async (durable: SpendStore) => {
    const redis = new RedisCoordination({ url: sharedRedisUrl, keyPrefix, onUnavailable: 'deny' });
    await redis.connected(5_000);
    return { redis, spend: new RedisSpendStore(durable, redis, { reservationTtlMs: leaseMs }) };
  };
  return { storage, open };
}

test('a reservation whose instance died lapses one lease later; spend it had put on the ledger before dying still counts', async () => {
  const { storage, open } = await twoInstances('lapse', 300);
  const cap = rule({ subject: 'shared', limitMicros: 1_000 });
  const now = () => new Date();
  let dieAfterLedger: (() => Promise<void>) | undefined;
  // The dying instance: its ledger write lands, then it is gone before telling Redis.
  const dyingDurable: SpendStore = Object.assign(Object.create(storage.spend) as SpendStore, {
    record: async (input: Parameters<SpendStore['record']>[0]) => {
      const result = await storage.spend.record(input);
      await dieAfterLedger?.();
      return result;
    },
  });
  const dying = await open(dyingDurable);
  const survivor = await open(storage.spend);
  dieAfterLedger = () => dying.redis.close();
  try {
    assert.equal((await dying.spend.reserve({ reservationId: 'held', rules: [cap], amountMicros: 600, now: now() })).ok, true);
    assert.equal((await survivor.spend.reserve({ reservationId: 'blocked', rules: [cap], amountMicros: 600, now: now() })).ok, false, 'held');
    await assert.rejects(
      dying.spend.settle({ reservationId: 'held', actualMicros: 450, entry: entry({ requestId: 'held', keyName: 'shared', costMicros: 450 }) }),
      'Redis is gone before the settle reaches it',
    );
    // Within the lease the hold still blocks; after it, the hold is gone and the 450 µ$ on the ledger counts.
    assert.equal((await survivor.spend.reserve({ reservationId: 'early', rules: [cap], amountMicros: 600, now: now() })).ok, false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const refused = await survivor.spend.reserve({ reservationId: 'too-much', rules: [cap], amountMicros: 600, now: now() });
    assert.equal(refused.ok, false, '450 spent + 600 would pass the 1,000 cap');
    if (!refused.ok) assert.deepEqual([refused.blocked.spentMicros, refused.blocked.reservedMicros], [450, 0]);
    assert.equal((await survivor.spend.reserve({ reservationId: 'fits', rules: [cap], amountMicros: 550, now: now() })).ok, true);
    assert.deepEqual(
      (await survivor.spend.usage([cap], now())).map((usage) => [usage.spentMicros, usage.reservedMicros]),
      [[450, 550]],
    );
  } finally {
    await survivor.redis.close();
    await storage.close();
  }
});

test('kill -9 mid-request: another instance is blocked by the dead one’s hold until that instance restarts and frees it', async () => {
  const keyPrefix = uniquePrefix('kill');
  prefixes.push(keyPrefix);
  // One worst case (31 bytes at $1/M + 100 output tokens at $10/M = 1,031 µ$) fits the $0.0015 cap; two do not.
  const config = (instance: string) => `
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
models:
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 10 }, max_output_tokens: 100 }
keys:
  - { name: capped, key: sk-kill-capped-0001, budget: { limit_usd: 0.0015, window: month, mode: hard } }
storage: { url: "sqlite:${join(directory, 'kill.db')}", instance_id: ${instance} }
coordination: { url: "${sharedRedisUrl}", key_prefix: "${keyPrefix}" }
`;
  const ask = (gateway: GatewayProcess, stream = false) =>
    fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-kill-capped-0001', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'priced', input: 'hi', stream }),
    });
  const a = await spawnGatewayProcess(config('node-a'));
  processes.push(a);
  const b = await spawnGatewayProcess(config('node-b'));
  processes.push(b);
  const pending = ask(a, true).catch(() => undefined);
  const deadline = Date.now() + 10_000;
  while (emulator.requests.length === 0) {
    if (Date.now() > deadline) throw new Error('the request never reached the provider');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const blocked = await ask(b);
  assert.equal(blocked.status, 429, 'node-a holds the budget');
  assert.equal(((await blocked.json()) as { error: { code: string } }).error.code, 'insufficient_quota');
  await a.kill();
  await pending;
  assert.equal((await ask(b)).status, 429, 'the dead instance’s hold still stands (its lease has not run out)');
  const started = performance.now();
  const restarted = await spawnGatewayProcess(config('node-a'));
  processes.push(restarted);
  let status = 0;
  while (performance.now() - started < 15_000) {
    const answer = ask(b);
    status = (await answer).status;
    if (status !== 429) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(`node-a restarted; node-b admitted again after ${Math.round(performance.now() - started)} ms (status ${status})`);
  assert.equal(status, 200, 'the restarted node-a freed what its killed run held');
});

test('Redis restarted empty under a live reservation: its instance re-registers the hold when it reconnects, so the cap still holds', async () => {
  const redis = await startPrivateRedis();
  const storage = await SqliteStorage.open(join(directory, 'restart.db'));
  const open = async () => {
    const coordination = new RedisCoordination({ url: redis.url, keyPrefix: 'restart:', onUnavailable: 'deny' });
    await coordination.connected(5_000);
    return { coordination, spend: new RedisSpendStore(storage.spend, coordination) };
  };
  const holder = await open();
  const other = await open();
  const cap = rule({ subject: 'restart', limitMicros: 1_000 });
  try {
    assert.equal((await holder.spend.reserve({ reservationId: 'live', rules: [cap], amountMicros: 600, now: new Date() })).ok, true);
    await redis.stop();
    await redis.start();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const usage = await other.spend.usage([cap], new Date()).catch(() => undefined);
      if (usage?.[0]?.reservedMicros === 600) break;
      if (Date.now() > deadline) throw new Error('the live reservation was not re-registered');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await other.spend.reserve({ reservationId: 'second', rules: [cap], amountMicros: 600, now: new Date() })).ok, false, 'still held');
    await holder.spend.settle({ reservationId: 'live', actualMicros: 300, entry: entry({ requestId: 'live', keyName: 'restart', costMicros: 300 }) });
    assert.deepEqual(
      (await other.spend.usage([cap], new Date())).map((usage) => [usage.spentMicros, usage.reservedMicros]),
      [[300, 0]],
    );
    assert.equal((await other.spend.reserve({ reservationId: 'third', rules: [cap], amountMicros: 600, now: new Date() })).ok, true);
  } finally {
    await holder.coordination.close();
    await other.coordination.close();
    await storage.close();
    await redis.dispose();
  }
});
