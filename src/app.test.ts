import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from './config/load-config.ts';
import { checkServable, startGateway } from './app.ts';

test('a reload swaps the config in; a config that cannot be parsed is refused and the running one kept', async () => {
  const base =
    'storage: { url: "sqlite::memory:" }\nproviders: { oai: { type: openai, api_key: sk-test } }\nmodels: { coder: { provider: oai, model: gpt-5 } }\n';
  const parse = (text: string) => parseConfigText(text, { env: {}, source: 'test', cwd: process.cwd() });
  let next: () => ReturnType<typeof parse> = () => parse(`${base}coordination: { url: "http://127.0.0.1:6379" }\n`);
  const running = await startGateway(parse(base), { host: '127.0.0.1', port: 0, loadConfig: () => next() });
  try {
    assert.throws(() => running.reload(), /coordination\.url: must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.equal(running.gateway.config.coordination, undefined, 'the running config stayed');
    next = () => parse(base.replace('coder:', 'fresh:'));
    assert.deepEqual(running.reload().changes.aliases, { added: ['fresh'], removed: ['coder'], changed: [] });
    assert.deepEqual(Object.keys(running.gateway.config.models), ['fresh']);
  } finally {
    await running.close();
  }
});

test('the listener check a reload repeats: no public bind once every config key is gone', () => {
  const parse = (text: string) => parseConfigText(text, { env: {}, source: 'test', cwd: process.cwd() });
  const withKey = parse('providers: { oai: { type: openai, api_key: sk-test } }\nkeys: [{ name: a, key: sk-aaaaaaaa }]\n');
  const without = parse('providers: { oai: { type: openai, api_key: sk-test } }\n');
  assert.doesNotThrow(() => checkServable(withKey, '0.0.0.0'));
  assert.throws(() => checkServable(without, '0.0.0.0'), /refusing to listen on 0\.0\.0\.0/);
  assert.doesNotThrow(() => checkServable(without, '127.0.0.1'));
});
