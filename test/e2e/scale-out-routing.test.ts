import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, type RunningGateway } from '../../src/app.ts';
import { parseConfigText } from '../../src/config/load-config.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../support/redis/shared-redis.ts';

// Two gateways on the shared Redis (own prefix): a breaker one of them opens, and the target a
// session stuck to on one of them, hold on the other too.
const prefix = uniquePrefix('routing');
let broken: ResponsesEmulator;
let first: ResponsesEmulator;
let second: ResponsesEmulator;
let gateways: RunningGateway[] = [];

before(async () => {
  broken = await startResponsesEmulator({ respond: () => ({ error: { status: 503, type: 'server_error', message: 'overloaded' } }) });
  first = await startResponsesEmulator({ respond: () => ({ text: 'first', usage: { input: 1, output: 1 } }) });
  second = await startResponsesEmulator({ respond: () => ({ text: 'second', usage: { input: 1, output: 1 } }) });
  const yaml = `
providers:
  broken: { type: openai, base_url: "${broken.url}", api_key: sk-upstream-test }
  first: { type: openai, base_url: "${first.url}", api_key: sk-upstream-test }
  second: { type: openai, base_url: "${second.url}", api_key: sk-upstream-test }
models:
  guarded: { strategy: failover, targets: [{ provider: broken, model: gpt-5.5 }, { provider: first, model: gpt-5.5 }] }
  spread: { strategy: round-robin, targets: [{ provider: first, model: gpt-5.5 }, { provider: second, model: gpt-5.5 }] }
routing:
  retry: { max_attempts: 1 }
  circuit_breaker: { failure_threshold: 1, cooldown_ms: 60000 }
storage: { url: "sqlite::memory:" }
coordination: { url: "${sharedRedisUrl}", key_prefix: "${prefix}" }
`;
  for (let index = 0; index < 2; index++) {
    gateways.push(await startGateway(parseConfigText(yaml, { env: {}, source: 'test', cwd: process.cwd() }), { host: '127.0.0.1', port: 0 }));
  }
});

after(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  gateways = [];
  await Promise.all([broken.close(), first.close(), second.close()]);
  await deletePrefix(prefix);
});

async function ask(gateway: RunningGateway, model: string, session?: string): Promise<{ status: number; provider: string | null }> {
  const response = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(session ? { 'x-session-id': session } : {}) },
    body: JSON.stringify({ model, input: 'hi' }),
  });
  await response.arrayBuffer();
  return { status: response.status, provider: response.headers.get('x-switchyard-provider') };
}

/** Stickiness travels by pub/sub like revocations; the suite's loaded CI machine gets 3 s (it is milliseconds when quiet). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within three seconds: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a breaker opened on one instance is open on the other: it does not send its own request to the failing target first', async () => {
  const [a, b] = gateways as [RunningGateway, RunningGateway];
  assert.deepEqual(await ask(a, 'guarded'), { status: 200, provider: 'first' });
  assert.equal(broken.requests.length, 1, 'node A tried the broken target once, and its breaker opened');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(await ask(b, 'guarded'), { status: 200, provider: 'first' });
  assert.equal(broken.requests.length, 1, 'node B skipped the target node A found broken');
});

test('a session stuck to a target on one instance goes to the same target on the other', async () => {
  const [a, b] = gateways as [RunningGateway, RunningGateway];
  // Node A's round robin moves on by one, so its next pick differs from node B's first pick.
  assert.equal((await ask(a, 'spread')).provider, 'first');
  const stuck = await ask(a, 'spread', 'session-42');
  assert.equal(stuck.provider, 'second');
  await eventually(async () => (await ask(b, 'spread', 'session-42')).provider === 'second', 'node B serves session-42 where node A stuck it');
  for (let turn = 0; turn < 3; turn++) assert.equal((await ask(b, 'spread', 'session-42')).provider, 'second');
});
