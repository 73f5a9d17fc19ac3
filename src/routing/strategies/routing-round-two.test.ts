import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TargetConfig } from '../../config/runtime-config.ts';
import { parseConfigText } from '../../config/load-config.ts';
import { LatencySamples } from '../latency-samples.ts';
import { minimalFeatures } from '../request-features.ts';
import { targetId } from '../target-id.ts';
import { experimentOrder, sessionPoint, variantOf } from './assign-variant.ts';
import { orderTargets, type StrategyState } from './order-targets.ts';

const a: TargetConfig = { provider: 'p1', model: 'a', weight: 1, variant: 'left' };
const b: TargetConfig = { provider: 'p2', model: 'b', weight: 3, variant: 'right' };
const state = (): StrategyState => ({ roundRobin: new Map(), latency: new Map(), ttft: new Map(), random: () => 0.99 });

test('experiment: the same session always gets the same variant, sessions split by weight', () => {
  const counts = { left: 0, right: 0 };
  for (let index = 0; index < 4000; index++) {
    const session = `s-${index}`;
    const first = experimentOrder('ab', [a, b], session, Math.random)[0]!;
    assert.equal(experimentOrder('ab', [a, b], session, Math.random)[0], first);
    counts[variantOf(first) as 'left' | 'right']++;
  }
  // Weight 1:3 → about 25 % left.
  assert.ok(Math.abs(counts.left / 4000 - 0.25) < 0.03, JSON.stringify(counts));
  // Another alias hashes independently; without a session the random source decides.
  assert.notEqual(sessionPoint('ab', 's-1'), sessionPoint('other', 's-1'));
  assert.equal(experimentOrder('ab', [a, b], undefined, () => 0.1)[0], a);
  assert.equal(experimentOrder('ab', [a, b], undefined, () => 0.9)[0], b);
  // The other variant stays as the fallback.
  assert.deepEqual(
    experimentOrder('ab', [a, b], undefined, () => 0.1),
    [a, b],
  );
});

test('latency samples: p95 of fresh samples only; too few samples say nothing', () => {
  const samples = new LatencySamples(16, 1000);
  for (let index = 1; index <= 4; index++) samples.add(index * 10, 0);
  assert.equal(samples.quantile(0.95, 0), undefined);
  for (let index = 5; index <= 20; index++) samples.add(index * 10, 0);
  assert.equal(samples.quantile(0.95, 0), 200);
  assert.equal(samples.quantile(0.95, 5000), undefined, 'all samples aged out');
});

test('cheapest with max_ttft_p95_ms puts a target measured above the ceiling last', () => {
  const cheap: TargetConfig = { provider: 'p1', model: 'cheap', weight: 1, pricing: { input: 0.1, output: 0.1 } };
  const dear: TargetConfig = { provider: 'p2', model: 'dear', weight: 1, pricing: { input: 10, output: 10 } };
  const shared = state();
  const features = minimalFeatures(400, {});
  assert.deepEqual(orderTargets('x', 'cheapest', [dear, cheap], features, shared, { maxTtftP95Ms: 500, now: 0 }), [cheap, dear]);
  const slow = new LatencySamples();
  for (let index = 0; index < 10; index++) slow.add(900, 0);
  shared.ttft.set(targetId(cheap), slow);
  assert.deepEqual(orderTargets('x', 'cheapest', [dear, cheap], features, shared, { maxTtftP95Ms: 500, now: 0 }), [dear, cheap]);
  assert.deepEqual(orderTargets('x', 'cheapest', [dear, cheap], features, shared, { now: 0 }), [cheap, dear], 'no ceiling: price only');
});

test('config: strategy options are checked', () => {
  const base = 'providers:\n  p: { type: openai, api_key: k }\n';
  const parse = (models: string) => parseConfigText(`${base}models:\n${models}`, { env: {}, source: 'test', cwd: '/tmp' });
  assert.throws(() => parse('  h: { strategy: hedge, targets: [{ provider: p, model: a }, { provider: p, model: b }] }\n'), /hedge_after_ms: required/);
  assert.throws(() => parse('  h: { strategy: failover, hedge_after_ms: 5, targets: [{ provider: p, model: a }] }\n'), /only for strategy: hedge/);
  assert.throws(
    () => parse('  e: { strategy: experiment, targets: [{ provider: p, model: a, variant: x }, { provider: p, model: b, variant: x }] }\n'),
    /two variants/,
  );
  assert.throws(() => parse('  f: { targets: [{ provider: p, model: a, variant: x }] }\n'), /variant is only for strategy: experiment/);
  assert.throws(() => parse('  c: { strategy: round-robin, max_ttft_p95_ms: 5, targets: [{ provider: p, model: a }] }\n'), /only for strategy: cheapest/);
  const config = parse('  h: { strategy: hedge, hedge_after_ms: 250, targets: [{ provider: p, model: a }, { provider: p, model: b }] }\n');
  assert.equal(config.models['h']?.hedgeAfterMs, 250);
  assert.throws(
    () => parseConfigText(`${base}attribution: { headers: { repo: authorization } }\n`, { env: {}, source: 'test', cwd: '/tmp' }),
    /credential header/,
  );
  assert.throws(
    () => parseConfigText(`${base}attribution: { headers: { key: x-key } }\n`, { env: {}, source: 'test', cwd: '/tmp' }),
    /attribution\.headers\.key/,
  );
  assert.throws(
    () => parseConfigText(`${base}attribution: { headers: { repo: x-repo }, metric_labels: [team_x] }\n`, { env: {}, source: 'test', cwd: '/tmp' }),
    /not an attribute/,
  );
  assert.throws(
    () => parseConfigText(`${base}budgets: [{ scope: attribute, name: repo, limit_usd: 1, window: day }]\n`, { env: {}, source: 'test', cwd: '/tmp' }),
    /value: required/,
  );
});
