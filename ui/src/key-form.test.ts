import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankKeyForm, keyBodyOf, keyFormOf } from './key-form.ts';

test('create leaves empty fields out; edit clears them with null', () => {
  const form = { ...blankKeyForm, name: ' laptop ', team: 'platform', models: 'coder, smart', budgetUsd: '2.5', rpm: '30' };
  assert.deepEqual(keyBodyOf(form, false), {
    name: 'laptop',
    team: 'platform',
    models_allowed: ['coder', 'smart'],
    budget: { limit_usd: 2.5, window: 'month', mode: 'hard' },
    rate_limit: { rpm: 30 },
  });
  assert.deepEqual(keyBodyOf({ ...blankKeyForm, name: 'laptop', tpm: '1000' }, true), {
    team: null,
    user: null,
    models_allowed: null,
    budget: null,
    rate_limit: { tpm: 1000 },
  });
});

test('a stored key round-trips through the form', () => {
  const key = {
    name: 'laptop',
    source: 'api',
    team: 'platform',
    user: null,
    models_allowed: ['coder'],
    budget: { limit_usd: 5, window: 'week', mode: 'soft' },
    rate_limit: { rpm: 60 },
  };
  const form = keyFormOf(key);
  assert.deepEqual(keyBodyOf(form, true), {
    team: 'platform',
    user: null,
    models_allowed: ['coder'],
    budget: { limit_usd: 5, window: 'week', mode: 'soft' },
    rate_limit: { rpm: 60 },
  });
});
