import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from './load-config.ts';
import { ConfigError } from './config-error.ts';

const context = { env: {}, source: 'test.yaml', cwd: '/tmp' };
const load = (text: string) => parseConfigText(text, context);
const refusal = (text: string): ConfigError => {
  try {
    load(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('the config was accepted');
};
const provider = 'providers:\n  oai: { type: openai, api_key: k }\n';

test('an unknown URL scheme fails at start, naming the field', () => {
  assert.match(
    refusal('providers:\n  oai: { type: openai, base_url: "htp://api.openai.com/v1" }').message,
    /providers\.oai\.base_url: scheme "htp:" is not allowed \(use http: or https:\)/,
  );
  const webhook = `${provider}budgets:\n  - { scope: org, limit_usd: 5, window: day, webhook_url: "htp://hooks.example.com" }`;
  assert.match(refusal(webhook).message, /budgets\.0\.webhook_url: scheme "htp:" is not allowed/);
  assert.match(
    refusal(`${provider}observability:\n  otlp: { endpoint: "htps://otel:4318" }`).message,
    /observability\.otlp\.endpoint: scheme "htps:" is not allowed/,
  );
  assert.doesNotThrow(() => load('providers:\n  oai: { type: openai, base_url: "http://127.0.0.1:8000/v1" }'));
  assert.match(
    refusal('providers:\n  oai: { type: openai, base_url: "not a url" }').message,
    /providers\.oai\.base_url: expected an http:\/\/ or https:\/\/ URL/,
  );
});

test('a budget without a window fails at start (key budgets and scoped budgets)', () => {
  assert.match(refusal(`${provider}budgets:\n  - { scope: org, limit_usd: 5 }`).message, /budgets\.0\.window: required, one of day, week, month, total/);
  const key = `${provider}keys:\n  - { name: a, key: sk-aaaaaaaa, budget: { limit_usd: 5 } }`;
  assert.match(refusal(key).message, /keys\.0\.budget\.window: required, one of day, week, month, total/);
});

test('a key whose models_allowed names no model or alias fails at start', () => {
  const text = `${provider}models:\n  smart: { provider: oai, model: gpt-5 }\nkeys:\n  - { name: a, key: sk-aaaaaaaa, models_allowed: [smart, smrat] }`;
  const error = refusal(text);
  assert.match(error.message, /keys\.0\.models_allowed\.1: "smrat" is neither a model alias nor provider\/model/);
  assert.match(error.message, /aliases: smart/);
  // provider/model spellings and case variants are fine.
  assert.doesNotThrow(() =>
    load(`${provider}models:\n  smart: { provider: oai, model: gpt-5 }\nkeys:\n  - { name: a, key: sk-aaaaaaaa, models_allowed: [SMART, oai/gpt-4o] }`),
  );
  // With no models declared, a family name needs its provider.
  assert.match(refusal(`${provider}keys:\n  - { name: a, key: sk-aaaaaaaa, models_allowed: [claude-sonnet-4-5] }`).message, /"claude-sonnet-4-5"/);
  assert.doesNotThrow(() => load(`${provider}keys:\n  - { name: a, key: sk-aaaaaaaa, models_allowed: [gpt-5] }`));
});

test('a budget or rate limit for a team no config key belongs to is a warning, not an error', () => {
  const config = load(
    `${provider}keys:\n  - { name: a, key: sk-aaaaaaaa, team: platform }\nbudgets:\n  - { scope: team, name: platfrom, limit_usd: 5, window: month }\n  - { scope: team, name: platform, limit_usd: 5, window: month }\nrate_limits:\n  teams: { ghosts: { rpm: 5 } }`,
  );
  assert.equal(config.warnings.length, 2);
  assert.match(config.warnings[0]!, /budgets\.0: no key in the config belongs to team "platfrom"/);
  assert.match(config.warnings[1]!, /rate_limits\.teams\.ghosts/);
  assert.deepEqual(load(provider).warnings, []);
});

test('enum and union errors name the field path and the choices', () => {
  const strategy = refusal(`${provider}models:\n  smart:\n    targets: [{ provider: oai, model: gpt-5 }]\n    strategy: fastest`);
  assert.match(strategy.message, /models\.smart\.strategy: expected one of failover, weighted, round-robin, lowest-latency, cheapest/);
  assert.doesNotMatch(strategy.message, /Invalid input/);
  assert.match(refusal('providers:\n  oai: { type: openaii }').message, /providers\.oai\.type: expected one of openai, openai-compatible, anthropic/);
  // The single-target branch is reported when the entry looks like one.
  const single = refusal(`${provider}models:\n  m: { provider: oai }`);
  assert.match(single.message, /models\.m\.model: required/);
  assert.doesNotMatch(single.message, /targets/);
  // Every problem is listed separately too (the admin reload answer returns them).
  assert.equal(refusal('providers:\n  a: { type: x }\n  b: { type: y }').issues.length, 2);
});
