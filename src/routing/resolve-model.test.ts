import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../config/load-config.ts';
import { ModelResolver } from './resolve-model.ts';
import { GatewayError } from '../core/errors.ts';

const config = parseConfigText(
  `
providers:
  anthro: { type: anthropic, api_key: k1 }
  oai: { type: openai, api_key: k2 }
models:
  claude-sonnet: { provider: anthro, model: claude-sonnet-4-5 }
  smart:
    targets:
      - { provider: anthro, model: claude-opus-4-1 }
      - { provider: oai, model: gpt-5 }
keys:
  - { name: alice, key: sk-alice-123456, models_allowed: [claude-sonnet], aliases: { fast: claude-sonnet, sneaky: smart } }
  - { name: bob, key: sk-bob-12345678 }
`,
  { env: {}, source: 't', cwd: '/tmp' },
);
const resolver = new ModelResolver(config);
const alice = config.keys[0]!;
const bob = config.keys[1]!;

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as GatewayError).code;
  }
  return 'ok';
};

test('aliases resolve to their targets', () => {
  assert.deepEqual(resolver.resolve('smart', bob).targets.map((t) => t.model), ['claude-opus-4-1', 'gpt-5']);
  assert.equal(resolver.resolve('claude-sonnet', alice).alias, 'claude-sonnet');
});

test('a key limited to one model gets 403 for any other, whatever spelling it tries', () => {
  for (const spelling of ['smart', 'SMART', ' smart ', 'oai/gpt-5', 'OAI/gpt-5', 'anthro/claude-opus-4-1', 'sneaky']) {
    assert.equal(codeOf(() => resolver.resolve(spelling, alice)), 'policy_model_not_allowed', spelling);
  }
  for (const spelling of ['claude-sonnet', 'Claude-Sonnet', ' claude-sonnet', 'anthro/claude-sonnet-4-5', 'fast']) {
    assert.equal(codeOf(() => resolver.resolve(spelling, alice)), 'ok', spelling);
  }
});

test('an unknown model is 404 listing what the key may use', () => {
  assert.throws(() => resolver.resolve('nope', alice), (error: GatewayError) => {
    assert.equal(error.code, 'policy_model_not_found');
    assert.equal(error.status, 404);
    assert.match(error.message, /claude-sonnet/);
    assert.doesNotMatch(error.message, /smart/);
    return true;
  });
});

test('provider/model reaches that provider directly when allowed', () => {
  const resolved = resolver.resolve('oai/gpt-4o', bob);
  assert.deepEqual(resolved.targets, [{ provider: 'oai', model: 'gpt-4o', weight: 1 }]);
});

test('with no models configured, bare names are routed by family to env providers', () => {
  const bare = parseConfigText('providers:\n  openai: { type: openai, api_key: k }\n  anthropic: { type: anthropic, api_key: k }', { env: {}, source: 't', cwd: '/tmp' });
  const defaults = new ModelResolver(bare);
  assert.equal(defaults.resolve('gpt-5.5', undefined).targets[0]?.provider, 'openai');
  assert.equal(defaults.resolve('claude-sonnet-4-5', undefined).targets[0]?.provider, 'anthropic');
  assert.equal(codeOf(() => defaults.resolve('llama3', undefined)), 'policy_model_not_found');
});
