import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryResponseCache } from './memory-response-cache.ts';

test('bounded in bytes: the least recently used entries go first', () => {
  const cache = new MemoryResponseCache(30);
  cache.write('a', '1234567890', 1_000); // 11 bytes
  cache.write('b', '1234567890', 1_000);
  assert.equal(cache.read('a', 0), '1234567890'); // a is now the most recent
  cache.write('c', '1234567890', 1_000); // 33 > 30: b goes
  assert.equal(cache.read('b', 0), undefined);
  assert.equal(cache.read('a', 0), '1234567890');
  assert.equal(cache.read('c', 0), '1234567890');
  assert.ok(cache.bytes <= 30);
});

test('expired entries are not answered; an entry larger than the bound is not kept; replacing keeps the count right', () => {
  const cache = new MemoryResponseCache(20);
  cache.write('a', 'x', 100);
  assert.equal(cache.read('a', 100), undefined);
  assert.equal(cache.bytes, 0);
  cache.write('big', 'x'.repeat(50), 1_000);
  assert.equal(cache.read('big', 0), undefined);
  cache.write('k', 'one', 1_000);
  cache.write('k', 'three', 1_000);
  assert.equal(cache.bytes, 'k'.length + 'three'.length);
});
