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
  opus-only: { provider: anthro, model: claude-opus-4-1 }
  gpt-only: { provider: oai, model: gpt-5 }
keys:
  - { name: alice, key: sk-alice-123456, models_allowed: [claude-sonnet], aliases: { fast: claude-sonnet, sneaky: smart } }
  - { name: bob, key: sk-bob-12345678 }
  - { name: carol, key: sk-carol-1234567, models_allowed: [smart], aliases: { mine: smart, premium: opus-only } }
`,
  { env: {}, source: 't', cwd: '/tmp' },
);
const resolver = new ModelResolver(config);
const alice = config.keys[0]!;
const bob = config.keys[1]!;
// A stored key (or one from before a reload) may still name a model that no longer exists: `ghost`.
const carol = { ...config.keys[2]!, modelsAllowed: ['smart', 'ghost'] };

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as GatewayError).code;
  }
  return 'ok';
};

test('aliases resolve to their targets', () => {
  assert.deepEqual(
    resolver.resolve('smart', bob).targets.map((t) => t.model),
    ['claude-opus-4-1', 'gpt-5'],
  );
  assert.equal(resolver.resolve('claude-sonnet', alice).alias, 'claude-sonnet');
});

test('a key limited to one model gets 403 for any other, whatever spelling it tries', () => {
  for (const spelling of ['smart', 'SMART', ' smart ', 'oai/gpt-5', 'OAI/gpt-5', 'anthro/claude-opus-4-1', 'sneaky']) {
    assert.equal(
      codeOf(() => resolver.resolve(spelling, alice)),
      'policy_model_not_allowed',
      spelling,
    );
  }
  for (const spelling of ['claude-sonnet', 'Claude-Sonnet', ' claude-sonnet', 'anthro/claude-sonnet-4-5', 'fast']) {
    assert.equal(
      codeOf(() => resolver.resolve(spelling, alice)),
      'ok',
      spelling,
    );
  }
});

test('a key allowed a multi-target alias cannot reach its targets through other aliases or provider/model names', () => {
  for (const spelling of ['opus-only', 'GPT-ONLY', ' gpt-only', 'anthro/claude-opus-4-1', 'oai/gpt-5', 'premium']) {
    assert.equal(
      codeOf(() => resolver.resolve(spelling, carol)),
      'policy_model_not_allowed',
      spelling,
    );
  }
  for (const spelling of ['smart', 'Smart ', 'mine'])
    assert.equal(
      codeOf(() => resolver.resolve(spelling, carol)),
      'ok',
      spelling,
    );
});

test('/v1/models lists exactly what the allowlist serves', () => {
  // `ghost` is in the allowlist but resolves to nothing; `premium` is an alias the allowlist refuses.
  assert.deepEqual(resolver.visibleModels(carol), ['smart', 'mine']);
  assert.deepEqual(resolver.visibleModels(alice), ['claude-sonnet', 'fast']);
  for (const key of [alice, bob, carol]) {
    for (const name of resolver.visibleModels(key))
      assert.equal(
        codeOf(() => resolver.resolve(name, key)),
        'ok',
        `${key.name} sees ${name}`,
      );
  }
});

test('an unknown model is 404 listing what the key may use', () => {
  assert.throws(
    () => resolver.resolve('nope', alice),
    (error: GatewayError) => {
      assert.equal(error.code, 'policy_model_not_found');
      assert.equal(error.status, 404);
      assert.match(error.message, /claude-sonnet/);
      assert.doesNotMatch(error.message, /smart/);
      return true;
    },
  );
});

test('provider/model reaches that provider directly when allowed', () => {
  const resolved = resolver.resolve('oai/gpt-4o', bob);
  assert.deepEqual(resolved.targets, [{ provider: 'oai', model: 'gpt-4o', weight: 1 }]);
});

test('with no models configured, bare names are routed by family to env providers', () => {
  const bare = parseConfigText('providers:\n  openai: { type: openai, api_key: k }\n  anthropic: { type: anthropic, api_key: k }', {
    env: {},
    source: 't',
    cwd: '/tmp',
  });
  const defaults = new ModelResolver(bare);
  assert.equal(defaults.resolve('gpt-5.5', undefined).targets[0]?.provider, 'openai');
  assert.equal(defaults.resolve('claude-sonnet-4-5', undefined).targets[0]?.provider, 'anthropic');
  assert.equal(
    codeOf(() => defaults.resolve('llama3', undefined)),
    'policy_model_not_found',
  );
});

test('a bare name of a family with no provider is a 404 naming the missing provider, never another family', () => {
  const onlyOpenai = new ModelResolver(parseConfigText('providers:\n  openai: { type: openai, api_key: k }', { env: {}, source: 't', cwd: '/tmp' }));
  assert.throws(
    () => onlyOpenai.resolve('claude-sonnet-4-5', undefined),
    (error: GatewayError) => {
      assert.equal(error.code, 'policy_model_not_found');
      assert.equal(error.status, 404);
      assert.match(error.message, /needs a provider of type anthropic/);
      assert.match(error.message, /ANTHROPIC_API_KEY/);
      return true;
    },
  );
  // A name no family claims still goes to the only provider (an OpenAI-style deployment with its own names).
  assert.equal(onlyOpenai.resolve('my-finetune', undefined).targets[0]?.provider, 'openai');
  // A provider named otherwise still owns its family's names.
  const named = new ModelResolver(
    parseConfigText('providers:\n  anthro: { type: anthropic, api_key: k }\n  oai: { type: openai, api_key: k }', { env: {}, source: 't', cwd: '/tmp' }),
  );
  assert.equal(named.resolve('claude-opus-4-1', undefined).targets[0]?.provider, 'anthro');
  assert.equal(named.resolve('gpt-5', undefined).targets[0]?.provider, 'oai');
});
