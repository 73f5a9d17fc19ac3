import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelRequest } from '../../core/ir/index.ts';
import type { KeyConfig, TargetConfig } from '../../config/runtime-config.ts';
import { cacheScope, responseCacheKey } from './response-cache-key.ts';

const targets: TargetConfig[] = [{ provider: 'oai', model: 'gpt-5', weight: 1 }];
const request = (overrides: Partial<ModelRequest> = {}): ModelRequest => ({
  model: 'gpt-5',
  system: [{ type: 'text', text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  stream: false,
  extensions: {},
  ...overrides,
});
const keyOf = (value: ModelRequest, scope = 'key:alice', targetList = targets) =>
  responseCacheKey({ scope, dialect: 'openai-responses', alias: 'gpt-5', targets: targetList, request: value });

test('volatile fields do not change the key: stream, metadata, user, prompt_cache_key, client_metadata', () => {
  const base = keyOf(request());
  assert.equal(keyOf(request({ stream: true })), base);
  assert.equal(keyOf(request({ metadata: { run: '1' }, user: 'u1', promptCacheKey: 'session-9' })), base);
  assert.equal(keyOf(request({ extensions: { 'openai-responses': { client_metadata: { request_id: 'r1' }, store: false } } })), base);
});

test('everything that changes the answer changes the key', () => {
  const base = keyOf(request());
  assert.notEqual(keyOf(request({ temperature: 0.2 })), base);
  assert.notEqual(keyOf(request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi!' }] }] })), base);
  assert.notEqual(keyOf(request({ system: [] })), base);
  assert.notEqual(keyOf(request({ maxOutputTokens: 10 })), base);
  assert.notEqual(keyOf(request({ tools: [{ name: 'Bash', kind: 'function', parameters: { type: 'object' } } as never] })), base);
  assert.notEqual(keyOf(request({ extensions: { 'openai-responses': { include: ['reasoning.encrypted_content'] } } })), base);
  assert.notEqual(keyOf(request(), 'key:alice', [{ provider: 'anthro', model: 'claude', weight: 1 }]), base);
});

test('the tenant scope is part of the key; team scope joins a team, a key without a team stays alone', () => {
  const alice: KeyConfig = { name: 'alice', hash: 'a', tags: [], aliases: {}, team: 'ops' };
  const bob: KeyConfig = { name: 'bob', hash: 'b', tags: [], aliases: {}, team: 'ops' };
  const loner: KeyConfig = { name: 'loner', hash: 'c', tags: [], aliases: {} };
  assert.notEqual(keyOf(request(), cacheScope(alice, 'key')), keyOf(request(), cacheScope(bob, 'key')));
  assert.equal(keyOf(request(), cacheScope(alice, 'team')), keyOf(request(), cacheScope(bob, 'team')));
  assert.equal(cacheScope(loner, 'team'), 'key:loner');
});

test('object key order does not matter', () => {
  const a = request({ extensions: { 'openai-responses': { text: { verbosity: 'low', format: { type: 'text' } } } } });
  const b = request({ extensions: { 'openai-responses': { text: { format: { type: 'text' }, verbosity: 'low' } } } });
  assert.equal(keyOf(a), keyOf(b));
});
