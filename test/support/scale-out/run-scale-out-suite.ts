import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startResponsesEmulator, type ResponsesEmulator } from '../../fakes/responses-emulator.ts';
import { spawnGatewayProcess, type GatewayProcess } from '../gateway-process.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../redis/shared-redis.ts';

/** Where the instances keep their durable state: one SQLite file or one Postgres database. */
export interface ScaleOutStorage {
  /** The `storage.url` every instance uses. */
  url: string;
  cleanup(): Promise<void>;
}

export interface ScaleOutOptions {
  /**
   * False: no Redis, the instances share only the durable store, so only the budget promise is
   * checked (the store's own transactions keep it exact); rate limits and announcements need Redis.
   */
  coordination?: boolean;
}

/**
 * Three real gateway processes on one durable store (`storage(directory)`) and the shared
 * Redis under the run's own key prefix: budgets, rate limits, revocation and reloads are
 * shared by all of them. Each storage backend runs it with one line.
 */
const masterKey = 'sk-master-scale-out-0001';
const capMicros = 10_000; // $0.01
const costMicros = 10 * 1 + 50 * 10; // 10 input at $1/M + 50 output at $10/M

async function ask(gateway: GatewayProcess, key: string, model = 'priced'): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, input: 'hi' }),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

async function admin(gateway: GatewayProcess, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return response.json();
}

async function spendOf(gateway: GatewayProcess, key: string): Promise<number> {
  const rows = (await admin(gateway, 'GET', '/admin/spend?group_by=key')).data as Array<{ group: string; cost_usd: number }>;
  return Math.round((rows.find((row) => row.group === key)?.cost_usd ?? 0) * 1e6);
}

export function runScaleOutSuite(name: string, openStorage: (directory: string) => Promise<ScaleOutStorage>, options: ScaleOutOptions = {}): void {
  const coordinated = options.coordination !== false;
  describe(`scale-out over ${name}`, () => {
    const prefix = uniquePrefix('scale-out');
    let emulator: ResponsesEmulator;
    let directory: string;
    let storage: ScaleOutStorage;
    let gateways: GatewayProcess[] = [];
    let redis: Redis;

    const config = (instance: number, extraModel = '') => `
server: { master_key: ${masterKey} }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
models:
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 10 }, max_output_tokens: 100 }
${extraModel}
keys:
  - { name: capped, key: sk-scale-capped-0001, budget: { limit_usd: ${capMicros / 1e6}, window: month, mode: hard } }
  - { name: limited, key: sk-scale-limited-0001, rate_limit: { rpm: 6 } }
  - { name: plain, key: sk-scale-plain-0001 }
storage: { url: "${storage.url}", instance_id: node-${instance}, outbox_dir: "${directory}" }
${coordinated ? `coordination: { url: "${sharedRedisUrl}", key_prefix: "${prefix}" }` : ''}
`;

    before(async () => {
      emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 10, output: 50 } }) });
      directory = mkdtempSync(join(tmpdir(), 'switchyard-scale-out-'));
      storage = await openStorage(directory);
      redis = new Redis(sharedRedisUrl, { maxRetriesPerRequest: 1 });
      // The first one creates the database; the others open it migrated.
      const files = [0, 1, 2].map((instance) => join(directory, `node-${instance}.yaml`));
      files.forEach((file, instance) => writeFileSync(file, config(instance)));
      gateways.push(await spawnGatewayProcess(config(0), { configFile: files[0]! }));
      gateways.push(...(await Promise.all([1, 2].map((instance) => spawnGatewayProcess(config(instance), { configFile: files[instance]! })))));
    });

    after(async () => {
      await Promise.all(gateways.map((gateway) => gateway.kill()));
      gateways = [];
      await emulator.close();
      redis.disconnect();
      await deletePrefix(prefix);
      await storage.cleanup();
      rmSync(directory, { recursive: true, force: true });
    });

    test('three instances, one hard budget, waves of concurrent requests over all three until nothing is admitted: spend ≤ cap, each admitted request reached the provider once, every instance reports the same spend', async () => {
      const upstreamBefore = emulator.requests.length;
      let admitted = 0;
      let refused = 0;
      let waves = 0;
      for (; waves < 30; waves++) {
        // Nine at once, three on each instance.
        const answers = await Promise.all(Array.from({ length: 9 }, (_, index) => ask(gateways[index % 3]!, 'sk-scale-capped-0001')));
        const ok = answers.filter((answer) => answer.status === 200).length;
        for (const answer of answers.filter((answer) => answer.status !== 200)) {
          assert.equal(answer.status, 429, JSON.stringify(answer.body));
          assert.equal(answer.body.error.code, 'insufficient_quota');
        }
        admitted += ok;
        refused += answers.length - ok;
        if (ok === 0) break;
      }
      assert.ok(waves < 30, 'the budget ran out');
      const reached = emulator.requests.length - upstreamBefore;
      // A request is billed as its answer ends, so the last ledger rows may land just after the client has read it.
      let spends = await Promise.all(gateways.map((gateway) => spendOf(gateway, 'capped')));
      for (const deadline = Date.now() + 10_000; spends.some((spend) => spend !== admitted * costMicros) && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        spends = await Promise.all(gateways.map((gateway) => spendOf(gateway, 'capped')));
      }
      console.log(
        `${waves + 1} waves: ${admitted} admitted, ${refused} refused; provider saw ${reached}; spend per instance ${spends.join(', ')} µ$ (cap ${capMicros})`,
      );
      assert.equal(reached, admitted, 'every admitted request reached the provider exactly once');
      assert.deepEqual(spends, [spends[0], spends[0], spends[0]], 'every instance reports the same spend');
      assert.equal(spends[0], admitted * costMicros);
      assert.ok(spends[0]! <= capMicros, `spend ${spends[0]} ≤ cap ${capMicros}`);
      // "Until nothing is admitted" means no room for one more worst case (≤ ~1,100 µ$ here): the cap was used, not left idle.
      assert.ok(capMicros - spends[0]! < 1_200, `the cap was used up (${capMicros - spends[0]!} µ$ left)`);
      if (!coordinated) return;
      // The shared counter agrees with the ledger, and nothing is held any more.
      const [counter] = await redis.keys(`${prefix}budget:key:capped:month:*`);
      assert.ok(counter, 'the shared counter exists');
      const shared = await redis.hgetall(counter);
      assert.equal(Number(shared['spent']), spends[0]);
      assert.equal(Number(shared['reserved']), 0);
    });

    if (!coordinated) return;

    test('a key with rpm 6 over two instances admits exactly 6 of 14 alternating requests', async () => {
      const statuses: number[] = [];
      for (let index = 0; index < 14; index++) {
        const answer = await ask(gateways[index % 2]!, 'sk-scale-limited-0001');
        statuses.push(answer.status);
        if (answer.status === 429) {
          assert.equal(answer.body.error.code, 'rate_limit_exceeded');
          assert.ok(Number(answer.headers.get('retry-after')) >= 1, 'Retry-After');
        }
      }
      assert.deepEqual(statuses, [...Array(6).fill(200), ...Array(8).fill(429)]);
    });

    test('a key created on one instance works on the others; revoked on one, it is refused by another within one second', async () => {
      const created = await admin(gateways[0]!, 'POST', '/admin/keys', { name: 'temporary' });
      const secret = created.key as string;
      assert.equal((await ask(gateways[1]!, secret)).status, 200, 'created on node-0, accepted by node-1');
      // node-2 has just looked it up: its cache is fresh, so only the announcement can make it drop the key.
      assert.equal((await ask(gateways[2]!, secret)).status, 200);
      const revokedAt = performance.now();
      await admin(gateways[0]!, 'DELETE', '/admin/keys/temporary');
      let refusedAfter: number | undefined;
      while (performance.now() - revokedAt < 1_000) {
        const answer = await ask(gateways[2]!, secret);
        if (answer.status === 401) {
          refusedAfter = performance.now() - revokedAt;
          assert.equal(answer.body.error.code, 'invalid_api_key');
          break;
        }
        assert.equal(answer.status, 200);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      console.log(`revoked on node-0; node-2 refused it after ${refusedAfter === undefined ? 'more than 1000' : Math.round(refusedAfter)} ms`);
      assert.ok(refusedAfter !== undefined && refusedAfter < 1_000, 'refused within one second');
      assert.equal((await ask(gateways[1]!, secret)).status, 401);
    });

    test('a config reload on one instance reaches the others within one second', async () => {
      const extra = '  fresh: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 10 } }';
      [0, 1, 2].forEach((instance) => writeFileSync(join(directory, `node-${instance}.yaml`), config(instance, extra)));
      const models = async (gateway: GatewayProcess) => {
        const response = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer sk-scale-plain-0001' } });
        return ((await response.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id);
      };
      assert.ok(!(await models(gateways[2]!)).includes('fresh'));
      const reloadedAt = performance.now();
      await admin(gateways[0]!, 'POST', '/admin/reload');
      let seenAfter: number | undefined;
      while (performance.now() - reloadedAt < 1_000) {
        if ((await models(gateways[2]!)).includes('fresh')) {
          seenAfter = performance.now() - reloadedAt;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      console.log(`reloaded on node-0; node-2 serves the new alias after ${seenAfter === undefined ? 'more than 1000' : Math.round(seenAfter)} ms`);
      assert.ok(seenAfter !== undefined, 'node-2 reloaded within one second');
      assert.ok((await models(gateways[1]!)).includes('fresh'));
    });
  });
}
