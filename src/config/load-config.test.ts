import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { loadConfig, parseConfigText } from './load-config.ts';
import { ConfigError } from './config-error.ts';

const context = (env: NodeJS.ProcessEnv = {}) => ({ env, source: 'test.yaml', cwd: '/tmp' });

const minimal = `
providers:
  anthro:
    type: anthropic
    api_key: \${ANTHROPIC_API_KEY}
models:
  claude-sonnet: { provider: anthro, model: claude-sonnet-4-5 }
keys:
  - name: alice
    key: \${ALICE_KEY}
    models_allowed: [claude-sonnet]
    budget: { limit_usd: 50, window: month, mode: hard }
`;

test('interpolates ${VAR} from the environment and hashes client keys', () => {
  const config = parseConfigText(minimal, context({ ANTHROPIC_API_KEY: 'sk-ant-1', ALICE_KEY: 'sk-alice-123456' }));
  assert.equal(config.providers['anthro']?.apiKey?.reveal(), 'sk-ant-1');
  assert.equal(config.providers['anthro']?.baseUrl, 'https://api.anthropic.com');
  assert.equal(config.keys[0]?.name, 'alice');
  assert.match(config.keys[0]!.hash, /^[0-9a-f]{64}$/);
  assert.equal(JSON.stringify(config).includes('sk-alice-123456'), false);
  assert.equal(JSON.stringify(config).includes('sk-ant-1'), false);
  assert.equal(inspect(config, { depth: 10 }).includes('sk-ant-1'), false);
  assert.deepEqual(config.keys[0]?.budget, { limitUsd: 50, window: 'month', mode: 'hard', warnAt: 0.8, weekStartsOn: 1, monthStartsOn: 1 });
  assert.ok(Object.isFrozen(config.providers));
});

test('${VAR:-default} uses the default; an unset variable without one names the path', () => {
  const config = parseConfigText('server: { host: "${HOST:-127.0.0.2}" }', context());
  assert.equal(config.server.host, '127.0.0.2');
  assert.throws(
    () => parseConfigText(minimal, context({ ALICE_KEY: 'sk-alice-123456' })),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /providers\.anthro\.api_key: \$\{ANTHROPIC_API_KEY\} is not set/);
      return true;
    },
  );
});

test('an unknown key is rejected with its path and a hint', () => {
  assert.throws(
    () => parseConfigText('providers:\n  anthro: { type: anthropic, api_kye: x }', context()),
    /unknown key "providers\.anthro\.api_kye" \(did you mean "api_key"\?\)/,
  );
  assert.throws(() => parseConfigText('srever: {}', context()), /unknown key "srever" \(did you mean "server"\?\)/);
});

test('a model pointing at a missing provider is an error naming both', () => {
  assert.throws(() => parseConfigText('models:\n  x: { provider: nope, model: m }', context()), /models\.x\.provider: no provider named "nope"/);
});

test('invalid values name the field', () => {
  assert.throws(() => parseConfigText('providers:\n  p: { type: carrier-pigeon }', context()), /providers\.p\.type/);
  assert.throws(() => parseConfigText('server: { port: 70000 }', context()), /server\.port/);
});

test('no config file: providers come from the environment', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sy-config-'));
  const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-openai' }, cwd });
  assert.equal(config.source, 'defaults (environment)');
  assert.deepEqual(Object.keys(config.providers), ['openai']);
  assert.equal(config.providers['openai']?.baseUrl, 'https://api.openai.com/v1');
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.server.port, 4141);
  assert.match(config.storage.url, /^sqlite:.*switchyard\.db$/);
});

test('lookup order: --config, then SWITCHYARD_CONFIG, then ./switchyard.yaml', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sy-config-'));
  writeFileSync(join(cwd, 'switchyard.yaml'), 'server: { port: 1111 }');
  writeFileSync(join(cwd, 'env.yaml'), 'server: { port: 2222 }');
  writeFileSync(join(cwd, 'flag.yaml'), 'server: { port: 3333 }');
  assert.equal(loadConfig({ env: {}, cwd }).server.port, 1111);
  assert.equal(loadConfig({ env: { SWITCHYARD_CONFIG: 'env.yaml' }, cwd }).server.port, 2222);
  assert.equal(loadConfig({ env: { SWITCHYARD_CONFIG: 'env.yaml' }, cwd, configPath: 'flag.yaml' }).server.port, 3333);
  assert.throws(() => loadConfig({ env: {}, cwd, configPath: 'missing.yaml' }), /config file not found/);
});

test('routing rules must name existing aliases', () => {
  const base = 'providers:\n  p: { type: openai, api_key: k }\nmodels:\n  a: { provider: p, model: m }\n';
  assert.throws(
    () => parseConfigText(base + 'routing:\n  rules:\n    - { name: r, when: { model: a }, route_to: nowhere }', context()),
    /routing\.rules\.0\.route_to: "nowhere"/,
  );
  assert.throws(
    () => parseConfigText(base + 'routing:\n  rules:\n    - { name: r, when: { model: ghost }, route_to: a }', context()),
    /routing\.rules\.0\.when\.model: "ghost" is not a model alias/,
  );
  assert.equal(
    parseConfigText(base + 'routing:\n  rules:\n    - { name: r, when: { model: A, max_input_tokens: 10 }, route_to: p/other }', context()).routing.rules
      .length,
    1,
  );
});

test('coordination: url required and redis:// only; on_unavailable deny by default; key prefix default; typos get a hint', () => {
  const env = { ANTHROPIC_API_KEY: 'sk-ant-1', ALICE_KEY: 'sk-alice-123456' };
  const withCoordination = (block: string) => parseConfigText(`${minimal}coordination: ${block}\n`, context(env));
  assert.deepEqual(withCoordination('{ url: "redis://127.0.0.1:6379/0" }').coordination, {
    url: 'redis://127.0.0.1:6379/0',
    onUnavailable: 'deny',
    keyPrefix: 'switchyard:',
  });
  assert.deepEqual(withCoordination('{ url: "rediss://r:6380", on_unavailable: allow, key_prefix: "team-a:" }').coordination, {
    url: 'rediss://r:6380',
    onUnavailable: 'allow',
    keyPrefix: 'team-a:',
  });
  assert.throws(() => withCoordination('{ url: "http://r:6379" }'), /coordination\.url: must be a redis:\/\/ or rediss:\/\/ URL/);
  assert.throws(() => withCoordination('{ url: "redis://r", on_unavailable: maybe }'), /coordination\.on_unavailable/);
  assert.throws(() => withCoordination('{ url: "redis://r", key_prefx: "a:" }'), /unknown key "coordination\.key_prefx" \(did you mean "key_prefix"\?\)/);
});
