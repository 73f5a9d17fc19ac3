import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetConfig } from '../config/runtime-config.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { matchRule } from './match-rule.ts';
import { minimalFeatures, readRequestFeatures } from './request-features.ts';
import { dialects } from '../dialects/registry.ts';
import { retryDelayMs } from './retry-delay.ts';
import { StickySessions } from './sticky-sessions.ts';
import { orderTargets, type StrategyState } from './strategies/order-targets.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

const a: TargetConfig = { provider: 'p1', model: 'a', weight: 3 };
const b: TargetConfig = { provider: 'p2', model: 'b', weight: 1 };
const state = (): StrategyState => ({ roundRobin: new Map(), latency: new Map(), ttft: new Map(), random: seededRandom(7) });
const features = minimalFeatures(4000, {});

test('failover keeps config order; round-robin rotates per alias', () => {
  assert.deepEqual(orderTargets('x', 'failover', [a, b], features, state()), [a, b]);
  const shared = state();
  const firsts = Array.from({ length: 4 }, () => orderTargets('x', 'round-robin', [a, b], features, shared)[0]!.model);
  assert.deepEqual(firsts, ['a', 'b', 'a', 'b']);
});

test('weighted picks the first target in proportion to weight', () => {
  const shared = state();
  let countA = 0;
  for (let i = 0; i < 4000; i++) if (orderTargets('x', 'weighted', [a, b], features, shared)[0] === a) countA++;
  assert.ok(Math.abs(countA / 4000 - 0.75) < 0.03, `got ${countA / 4000}`);
});

test('lowest-latency tries unmeasured targets first, then the fastest average', () => {
  const shared = state();
  shared.latency.set('p1/a', 900);
  assert.deepEqual(
    orderTargets('x', 'lowest-latency', [a, b], features, shared).map((t) => t.model),
    ['b', 'a'],
  );
  shared.latency.set('p2/b', 1500);
  assert.deepEqual(
    orderTargets('x', 'lowest-latency', [a, b], features, shared).map((t) => t.model),
    ['a', 'b'],
  );
});

test('cheapest prefers the lower price among targets whose context window fits', () => {
  const opus: TargetConfig = { provider: 'p', model: 'claude-opus-4', weight: 1, contextWindow: 200_000 };
  const mini: TargetConfig = { provider: 'p', model: 'gpt-5-mini', weight: 1, contextWindow: 500 };
  const nano: TargetConfig = { provider: 'p', model: 'gpt-5-nano', weight: 1, contextWindow: 400_000 };
  assert.deepEqual(
    orderTargets('x', 'cheapest', [opus, mini, nano], features, state()).map((t) => t.model),
    ['gpt-5-nano', 'claude-opus-4', 'gpt-5-mini'],
  );
});

test('retry delay: exponential with jitter, never below Retry-After, undefined past the budget', () => {
  const half = () => 0.5;
  assert.equal(retryDelayMs({ attempt: 1, baseDelayMs: 200, maxDelayMs: 5000, remainingMs: 10_000, random: half }), 150);
  assert.equal(retryDelayMs({ attempt: 3, baseDelayMs: 200, maxDelayMs: 5000, remainingMs: 10_000, random: half }), 600);
  assert.equal(retryDelayMs({ attempt: 9, baseDelayMs: 200, maxDelayMs: 5000, remainingMs: 10_000, random: () => 1 }), 5000);
  assert.equal(retryDelayMs({ attempt: 1, baseDelayMs: 200, maxDelayMs: 5000, retryAfterSeconds: 3, remainingMs: 10_000, random: half }), 3000);
  assert.equal(retryDelayMs({ attempt: 1, baseDelayMs: 200, maxDelayMs: 5000, retryAfterSeconds: 30, remainingMs: 10_000, random: half }), undefined);
});

test('circuit breaker opens after repeated failures, lets one probe through half-open', () => {
  const breaker = new CircuitBreaker(3, 1000);
  for (let i = 0; i < 2; i++) breaker.recordFailure(0);
  assert.equal(breaker.state(0), 'closed');
  breaker.recordFailure(0);
  assert.equal(breaker.state(10), 'open');
  assert.equal(breaker.tryAcquire(10), false);
  assert.equal(breaker.tryAcquire(1001), true, 'the probe');
  assert.equal(breaker.tryAcquire(1002), false, 'only one probe at a time');
  breaker.recordFailure(1003);
  assert.equal(breaker.state(1500), 'open', 'a failed probe opens it again');
  assert.equal(breaker.tryAcquire(2004), true);
  breaker.recordSuccess();
  assert.equal(breaker.state(2005), 'closed');
});

test('sticky sessions expire and stay bounded (least recently used goes first)', () => {
  const sticky = new StickySessions(1000, 2);
  sticky.set('s1', 'p1/a', 0);
  sticky.set('s2', 'p2/b', 0);
  assert.equal(sticky.get('s1', 10), 'p1/a');
  sticky.set('s3', 'p1/a', 20);
  assert.equal(sticky.get('s2', 30), undefined, 's2 was least recently used');
  assert.equal(sticky.get('s1', 2000), undefined, 'expired');
});

test('rules: first match wins; conditions on size, tools, request kind, headers, metadata', () => {
  const rules = [
    { name: 'compaction-cheap', when: { request_kind: 'compaction' }, route_to: 'cheap' },
    { name: 'patch-strong', when: { tools_include: ['apply_patch'] }, route_to: 'strong' },
    { name: 'small-cheap', when: { max_input_tokens: 1000, model: 'Smart' }, route_to: 'cheap' },
    { name: 'team-header', when: { headers: { 'X-Team': 'ml' }, metadata: { tier: 'gold' } }, route_to: 'strong' },
  ];
  const body = (extra: Record<string, unknown>) => ({ model: 'smart', input: 'hi', ...extra });
  const features = (extra: Record<string, unknown>, bytes: number, headers: Record<string, string> = {}) =>
    readRequestFeatures(dialects['openai-responses'].readRoutingHints(body(extra)), bytes, headers);
  assert.equal(
    matchRule(rules, 'smart', features({}, 100, { 'x-codex-turn-metadata': JSON.stringify({ request_kind: 'compaction' }) }))?.name,
    'compaction-cheap',
  );
  assert.equal(matchRule(rules, 'smart', features({ tools: [{ type: 'custom', name: 'apply_patch' }] }, 100))?.name, 'patch-strong');
  assert.equal(matchRule(rules, 'smart', features({}, 100))?.name, 'small-cheap');
  assert.equal(matchRule(rules, 'other', features({}, 100)), undefined, 'model condition');
  assert.equal(matchRule(rules, 'smart', features({}, 40_000)), undefined, 'too large for small-cheap');
  assert.equal(matchRule(rules, 'x', features({ metadata: { tier: 'gold' } }, 40_000, { 'x-team': 'ml' }))?.name, 'team-header');
});
