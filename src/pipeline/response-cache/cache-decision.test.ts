import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCache } from '../../config/cache-config.ts';
import { cacheDecision } from './cache-decision.ts';

const force = { ...defaultCache, mode: 'force' as const, ttlSeconds: 60 };
const respect = { ...defaultCache, mode: 'respect' as const, ttlSeconds: 60 };

test('off never caches, whatever the request says', () => {
  assert.deepEqual(cacheDecision(defaultCache, { 'cache-control': 'max-age=60' }), { kind: 'bypass' });
});

test('force: look up and store unless the request refuses; max-age bounds the age', () => {
  assert.deepEqual(cacheDecision(force, {}), { kind: 'use', lookup: true, store: true, maxAgeMs: undefined, ttlMs: 60_000 });
  assert.deepEqual(cacheDecision(force, { 'x-switchyard-cache': 'bypass' }), { kind: 'bypass' });
  assert.deepEqual(cacheDecision(force, { 'cache-control': 'no-store' }), { kind: 'bypass' });
  assert.deepEqual(cacheDecision(force, { 'x-switchyard-cache': 'refresh' }), { kind: 'use', lookup: false, store: true, maxAgeMs: undefined, ttlMs: 60_000 });
  assert.deepEqual(cacheDecision(force, { 'cache-control': 'no-cache' }), { kind: 'use', lookup: false, store: true, maxAgeMs: undefined, ttlMs: 60_000 });
  assert.deepEqual(cacheDecision(force, { 'cache-control': 'max-age=5' }), { kind: 'use', lookup: true, store: true, maxAgeMs: 5_000, ttlMs: 60_000 });
});

test('respect: only a request that asks (max-age or refresh) is cached', () => {
  assert.deepEqual(cacheDecision(respect, {}), { kind: 'bypass' });
  assert.deepEqual(cacheDecision(respect, { 'cache-control': 'max-age=30' }), { kind: 'use', lookup: true, store: true, maxAgeMs: 30_000, ttlMs: 60_000 });
  assert.deepEqual(cacheDecision(respect, { 'cache-control': 'max-age=0' }), { kind: 'use', lookup: false, store: true, maxAgeMs: undefined, ttlMs: 60_000 });
  assert.deepEqual(cacheDecision(respect, { 'cache-control': 'max-age=abc' }), { kind: 'bypass' });
});
