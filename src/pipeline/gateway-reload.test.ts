import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../config/load-config.ts';
import { openStorage } from '../store/open-storage.ts';
import { Gateway } from './gateway.ts';

const load = (text: string) => parseConfigText(`${text}\nstorage: { url: "sqlite::memory:" }\n`, { env: {}, source: 'test.yaml', cwd: '/tmp' });
const base = `providers:
  oai: { type: openai, api_key: sk-one, base_url: "http://127.0.0.1:9/v1" }
  anthro: { type: anthropic, api_key: sk-two, base_url: "http://127.0.0.1:9" }
models:
  coder: { provider: oai, model: gpt-5 }
  smart: { provider: anthro, model: claude-opus-4-1 }
keys:
  - { name: alice, key: sk-alice-1234 }
  - { name: bob, key: sk-bob-123456 }
routing:
  circuit_breaker: { failure_threshold: 1, cooldown_ms: 60000 }`;

test('reload swaps one snapshot: a request keeps the one it took, new requests see the new config', async () => {
  const gateway = new Gateway(load(base), await openStorage('sqlite::memory:'));
  try {
    const inFlight = gateway.acquire();
    const next = load(
      base
        .replace('  - { name: bob, key: sk-bob-123456 }\n', '')
        .replace(
          'smart: { provider: anthro, model: claude-opus-4-1 }',
          'smart: { provider: anthro, model: claude-sonnet-4-5 }\n  fresh: { provider: oai, model: gpt-5-mini }',
        ),
    );
    const result = gateway.reload(next);
    assert.deepEqual(result.changes.aliases, { added: ['fresh'], removed: [], changed: ['smart'] });
    assert.deepEqual(result.changes.keys, { added: [], removed: ['bob'], changed: [] });
    assert.deepEqual(result.changes.providers, { added: [], removed: [], changed: [] });
    assert.equal(result.summary, 'aliases +fresh ~smart; keys -bob');

    // The request that started before keeps its whole snapshot.
    assert.equal(inFlight.resolver.resolve('smart', undefined).targets[0]?.model, 'claude-opus-4-1');
    assert.equal((await inFlight.keys.authenticate('sk-bob-123456'))?.name, 'bob');
    assert.throws(() => inFlight.resolver.resolve('fresh', undefined), /does not exist/);
    // A new one sees the new config: the alias exists, the removed key is refused.
    const current = gateway.acquire();
    assert.equal(current.resolver.resolve('fresh', undefined).targets[0]?.model, 'gpt-5-mini');
    await assert.rejects(current.keys.authenticate('sk-bob-123456'), /Incorrect API key/);
    gateway.release(current);
    gateway.release(inFlight);
  } finally {
    await gateway.close();
  }
});

test('reload keeps breakers, metrics and agents of unchanged providers; rebuilds what changed', async () => {
  const gateway = new Gateway(load(base), await openStorage('sqlite::memory:'));
  try {
    const target = gateway.config.models['coder']!.targets[0]!;
    gateway.router.recordFailure(target, 'transient');
    assert.equal(gateway.router.admit(target), false, 'the breaker opened');
    gateway.metrics.countBudgetWarning('org');
    const registry = gateway.metrics.registry;

    gateway.reload(load(`${base}\nlogging: { level: warn }`));
    assert.equal(gateway.router.admit(target), false, 'the open breaker survived the reload');
    assert.equal(gateway.metrics.registry, registry, 'one metrics registry for the process');
    assert.match(await gateway.metrics.render(), /switchyard_budget_warnings_total\{scope="org"\} 1/);

    // New breaker settings start the breakers afresh.
    gateway.reload(load(base.replace('failure_threshold: 1', 'failure_threshold: 3')));
    assert.equal(gateway.router.admit(target), true);
  } finally {
    await gateway.close();
  }
});

test('a replaced snapshot closes the connection pools of removed providers only once its requests are done', async () => {
  const gateway = new Gateway(load(base), await openStorage('sqlite::memory:'));
  try {
    // Open a pool per provider (the connection itself is refused: port 9 is discard/closed).
    const send = (name: string) =>
      gateway.upstream
        .send(gateway.config.providers[name]!, {
          url: `${gateway.config.providers[name]!.baseUrl}/x`,
          headers: {},
          body: Buffer.from('{}'),
          signal: AbortSignal.timeout(2000),
        })
        .catch(() => undefined);
    await Promise.all([send('oai'), send('anthro')]);
    assert.equal(gateway.upstream.agentCount, 2);
    const old = gateway.acquire();
    gateway.reload(
      load(
        base
          .replace('  anthro: { type: anthropic, api_key: sk-two, base_url: "http://127.0.0.1:9" }\n', '')
          .replace('  smart: { provider: anthro, model: claude-opus-4-1 }\n', ''),
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(gateway.upstream.agentCount, 2, 'the old snapshot may still fall back to anthro');
    gateway.release(old);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(gateway.upstream.agentCount, 1, 'anthro closed; oai (unchanged) kept');
  } finally {
    await gateway.close();
  }
});
