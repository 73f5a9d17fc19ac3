import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../config/load-config.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { minimalFeatures } from './request-features.ts';
import { Router } from './router.ts';
import type { SharedRoutingState } from './shared-routing-state.ts';

const config = parseConfigText(
  `
providers:
  one: { type: openai, api_key: sk-1 }
  two: { type: openai, api_key: sk-2 }
models:
  pair: { strategy: failover, targets: [{ provider: one, model: m }, { provider: two, model: m }] }
routing: { circuit_breaker: { failure_threshold: 2, cooldown_ms: 10000 } }
`,
  { env: {}, source: 'test', cwd: process.cwd() },
);

function recording(): SharedRoutingState & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    breakerChanged: (target, openUntil) => said.push(`breaker ${target} ${openUntil === 0 ? 'closed' : 'open'}`),
    sessionStuck: (session, target) => said.push(`sticky ${session} ${target}`),
  };
}

test('the router announces a breaker when it opens and when it closes, and a session only when its target changes', () => {
  const shared = recording();
  const router = new Router(config, Math.random, undefined, shared);
  const [one, two] = config.models['pair']!.targets;
  router.recordFailure(one!, 'transient');
  assert.deepEqual(shared.said, [], 'below the threshold: nothing to tell');
  router.recordFailure(one!, 'caller-fault');
  router.recordFailure(one!, 'transient');
  router.recordSuccess(two!, 10, 'session:s');
  router.recordSuccess(two!, 10, 'session:s');
  router.recordSuccess(one!, 10, 'session:s');
  assert.deepEqual(shared.said, ['breaker one/m open', 'sticky session:s two/m', 'breaker one/m closed', 'sticky session:s one/m']);
});

test('what another instance announced steers this router: an open breaker goes last, a stuck session goes first', () => {
  const router = new Router(config, Math.random, undefined, recording());
  const pair = { alias: 'pair', strategy: 'failover' as const, targets: config.models['pair']!.targets };
  const order = (session?: string) => router.plan(pair as never, { ...minimalFeatures(10, {}), sessionKey: session }).map((target) => target.provider);
  assert.deepEqual(order(), ['one', 'two']);
  router.applySticky('session:s', 'two/m');
  assert.deepEqual(order('session:s'), ['two', 'one']);
  router.applyBreaker('two/m', Date.now() + 10_000);
  assert.deepEqual(order(), ['one', 'two']);
  assert.deepEqual(order('session:s'), ['one', 'two'], 'a stuck target whose breaker is open is not preferred');
  router.applyBreaker('one/m', Date.now() + 10_000);
  router.applyBreaker('two/m', 0);
  assert.deepEqual(order(), ['two', 'one']);
});

test('a breaker opened elsewhere is open here until then, and then half-open like its own', () => {
  const breaker = new CircuitBreaker(5, 1_000);
  breaker.apply(10_000);
  assert.equal(breaker.state(9_999), 'open');
  assert.equal(breaker.state(10_000), 'half-open');
  breaker.apply(0);
  assert.equal(breaker.state(0), 'closed');
});
