import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyRing } from './key-ring.ts';
import { hashKey } from './hash-key.ts';

test('accepts the right secret, rejects wrong, missing and expired ones with 401', () => {
  const ring = new KeyRing([
    { name: 'alice', hash: hashKey('sk-alice-123456'), tags: [], aliases: {} },
    { name: 'old', hash: hashKey('sk-old-12345678'), tags: [], aliases: {}, expiresAt: new Date('2020-01-01T00:00:00Z') },
  ]);
  assert.equal(ring.authenticate('sk-alice-123456')?.name, 'alice');
  for (const secret of ['sk-alice-123457', undefined, '', 'sk-old-12345678']) {
    assert.throws(() => ring.authenticate(secret), (error: { code: string; status: number }) => error.code === 'policy_invalid_api_key' && error.status === 401);
  }
});

test('with no keys configured, calls are anonymous', () => {
  assert.equal(new KeyRing([]).authenticate(undefined), undefined);
  assert.equal(new KeyRing([]).required, false);
});
