import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../config/load-config.ts';
import { guardrailsFor } from './guardrails-for.ts';

const context = { env: { ALICE_KEY: 'sk-alice-123456', BOB_KEY: 'sk-bob-1234567' }, source: 'test.yaml', cwd: '/tmp' };

const text = `
providers:
  anthro: { type: anthropic, api_key: x }
models:
  claude: { provider: anthro, model: claude-sonnet-4-5 }
  local:
    targets: [{ provider: anthro, model: claude-haiku-4-5 }]
    guardrails: { secrets: { action: off } }
keys:
  - { name: alice, key: "\${ALICE_KEY}", team: platform, guardrails: { pii: { action: off } } }
  - { name: bob, key: "\${BOB_KEY}", team: platform }
teams:
  platform: { guardrails: { secrets: { action: block }, scan_output: true } }
guardrails:
  injection: { action: block }
`;

test('contract §2 defaults: secrets redact, pii flag, injection flag; output not scanned unless asked (docs/decisions/0006)', () => {
  const config = parseConfigText('{}', context);
  assert.deepEqual(
    { secrets: config.guardrails.secrets, pii: config.guardrails.pii, injection: config.guardrails.injection, scanOutput: config.guardrails.scanOutput },
    { secrets: 'redact', pii: 'flag', injection: 'flag', scanOutput: false },
  );
});

test('global < team < key < model, field by field', () => {
  const config = parseConfigText(text, context);
  const alice = config.keys.find((key) => key.name === 'alice');
  const bob = config.keys.find((key) => key.name === 'bob');
  assert.deepEqual(guardrailsFor(config, undefined, 'claude'), { ...config.guardrails, injection: 'block' });
  const forBob = guardrailsFor(config, bob, 'claude');
  assert.equal(forBob.secrets, 'block');
  assert.equal(forBob.scanOutput, true);
  assert.equal(forBob.pii, 'flag');
  const forAlice = guardrailsFor(config, alice, 'claude');
  assert.equal(forAlice.pii, 'off');
  assert.equal(forAlice.secrets, 'block');
  assert.equal(guardrailsFor(config, alice, 'LOCAL').secrets, 'off');
  assert.equal(guardrailsFor(config, alice, 'LOCAL').injection, 'block');
});

test('an action outside a category’s vocabulary is refused with its path', () => {
  assert.throws(() => parseConfigText('guardrails: { pii: { action: block } }', context), /guardrails\.pii\.action/);
  assert.throws(() => parseConfigText('guardrails: { secrets: { action: redact, extra: 1 } }', context), /guardrails\.secrets/);
});
