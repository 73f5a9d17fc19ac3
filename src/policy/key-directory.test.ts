import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { KeyConfig } from '../config/runtime-config.ts';
import { migrateSqlite } from '../store/sqlite/migrations.ts';
import { virtualKeyMigrations } from '../store/sqlite/virtual-key-migrations.ts';
import { SqliteVirtualKeyStore } from '../store/sqlite/virtual-key-store.ts';
import type { VirtualKeyRecord } from '../store/virtual-key-store.ts';
import { displayPrefix, generateKeySecret } from './generate-key-secret.ts';
import { hashKey } from '../core/hash-key.ts';
import { KeyDirectory, keyConfigOf } from './key-directory.ts';

function newStore(): SqliteVirtualKeyStore {
  const database = new Database(':memory:');
  migrateSqlite(database, virtualKeyMigrations);
  return new SqliteVirtualKeyStore(database);
}

function stored(name: string, secret: string, extra: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return { name, hash: hashKey(secret), prefix: displayPrefix(secret), tags: [], aliases: {}, createdAt: new Date().toISOString(), source: 'api', ...extra };
}

const configAlice: KeyConfig = { name: 'alice', hash: hashKey('sk-config-alice-1'), team: 'platform', tags: [], aliases: {} };

/** Asserts the call is a 401 `policy_invalid_api_key` whose message matches. */
async function rejects401(call: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(call, (error: { code?: string; status?: number; message?: string }) => {
    assert.equal(error.code, 'policy_invalid_api_key');
    assert.equal(error.status, 401);
    assert.match(error.message ?? '', message);
    return true;
  });
}

test('with no keys anywhere calls are anonymous; the first stored key switches auth on at once', async () => {
  const store = newStore();
  const directory = new KeyDirectory([], store);
  assert.equal(await directory.authenticate(undefined), undefined);
  assert.equal(await directory.authenticate('anything'), undefined);
  assert.equal(directory.required, false);

  const secret = generateKeySecret();
  await store.create(stored('bob', secret));
  // The writer tells the directory (the admin API does after every key change).
  directory.forget();
  await rejects401(directory.authenticate(undefined), /No API key/);
  await rejects401(directory.authenticate('sk-sy-wrong'), /Incorrect API key/);
  assert.equal((await directory.authenticate(secret))?.name, 'bob');
  assert.equal(directory.required, true);
});

test('a revoked key is refused on the very next call, and revoking every key does not reopen anonymous access', async () => {
  const store = newStore();
  const directory = new KeyDirectory([], store);
  const secret = generateKeySecret();
  await store.create(stored('bob', secret));
  assert.equal((await directory.authenticate(secret))?.name, 'bob');
  await store.revoke('bob', new Date());
  directory.forget();
  await rejects401(directory.authenticate(secret), /"bob" has been revoked/);
  await rejects401(directory.authenticate(undefined), /No API key/);
  // A fresh directory (a restart) sees the same: a revoked key still means auth is on.
  await rejects401(new KeyDirectory([], store).authenticate(undefined), /No API key/);
});

test('an expired stored key is refused; a patched expiry applies on the next call', async () => {
  const store = newStore();
  const directory = new KeyDirectory([], store);
  const secret = generateKeySecret();
  await store.create(stored('bob', secret, { expiresAt: '2030-01-01T00:00:00.000Z' }));
  assert.equal((await directory.authenticate(secret, new Date('2029-12-31T23:59:59Z')))?.name, 'bob');
  await rejects401(directory.authenticate(secret, new Date('2030-01-01T00:00:00Z')), /"bob" has expired/);
  await store.update('bob', { expiresAt: null });
  directory.forget();
  assert.equal((await directory.authenticate(secret, new Date('2031-01-01T00:00:00Z')))?.name, 'bob');
});

test('config keys authenticate alongside stored ones, and win a name clash', async () => {
  const store = newStore();
  const directory = new KeyDirectory([configAlice], store);
  assert.equal(directory.required, true);
  await rejects401(directory.authenticate(undefined), /No API key/);
  assert.deepEqual(await directory.authenticate('sk-config-alice-1'), configAlice);

  const clashing = generateKeySecret();
  await store.create(stored('alice', clashing, { team: 'intruders' }));
  await rejects401(directory.authenticate(clashing), /config declares a key with the same name/);
  assert.equal((await directory.authenticate('sk-config-alice-1'))?.team, 'platform');
  assert.equal(directory.configKey('alice'), configAlice);
  assert.deepEqual(directory.configKeys, [configAlice]);
});

test('a stored record maps to the KeyConfig the pipeline uses', () => {
  const record = stored('carol', 'sk-sy-carol', {
    team: 'research',
    user: 'carol',
    tags: ['x'],
    modelsAllowed: ['smart'],
    aliases: { fast: 'smart' },
    rateLimit: { rpm: 10 },
    budget: { limitUsd: 5, window: 'day', mode: 'soft', warnAt: 0.5, weekStartsOn: 1, monthStartsOn: 1 },
    expiresAt: '2030-01-01T00:00:00.000Z',
  });
  assert.deepEqual(keyConfigOf(record), {
    name: 'carol',
    hash: hashKey('sk-sy-carol'),
    team: 'research',
    user: 'carol',
    tags: ['x'],
    modelsAllowed: ['smart'],
    aliases: { fast: 'smart' },
    rateLimit: { rpm: 10 },
    budget: { limitUsd: 5, window: 'day', mode: 'soft', warnAt: 0.5, weekStartsOn: 1, monthStartsOn: 1 },
    expiresAt: new Date('2030-01-01T00:00:00.000Z'),
  });
});

test('config keys: the right secret passes; a near miss, a missing key and an expired key are 401', async () => {
  const expired: KeyConfig = { name: 'old', hash: hashKey('sk-old-12345678'), tags: [], aliases: {}, expiresAt: new Date('2020-01-01T00:00:00Z') };
  const directory = new KeyDirectory([configAlice, expired], newStore());
  assert.equal((await directory.authenticate('sk-config-alice-1'))?.name, 'alice');
  await rejects401(directory.authenticate('sk-config-alice-2'), /Incorrect API key/);
  await rejects401(directory.authenticate(undefined), /No API key/);
  await rejects401(directory.authenticate(''), /No API key/);
  await rejects401(directory.authenticate('sk-old-12345678'), /"old" has expired/);
});

test('a change made by another writer is seen once the cached answer is older than freshMs', async () => {
  const store = newStore();
  const directory = new KeyDirectory([], store, { freshMs: 30 });
  const secret = generateKeySecret();
  await store.create(stored('bob', secret));
  directory.forget();
  assert.equal((await directory.authenticate(secret))?.name, 'bob');
  await store.revoke('bob', new Date());
  // Fresh answer: served from the cache.
  assert.equal((await directory.authenticate(secret))?.name, 'bob');
  await new Promise((resolve) => setTimeout(resolve, 40));
  // Stale: the cached answer once more while the refresh runs, then the store's.
  await directory.authenticate(secret).catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  await rejects401(directory.authenticate(secret), /"bob" has been revoked/);
});

test('a store that does not answer: a known key is served from the cache, an unknown one gets 503 with Retry-After', async () => {
  const store = newStore();
  const secret = generateKeySecret();
  await store.create(stored('bob', secret));
  let hang = false;
  const slow: typeof store = Object.create(store);
  slow.findByHash = (hash: string) => (hang ? new Promise(() => undefined) : store.findByHash(hash));
  slow.hasAny = () => (hang ? new Promise(() => undefined) : store.hasAny());
  const directory = new KeyDirectory([], slow, { freshMs: 0, lookupTimeoutMs: 50 });
  assert.equal((await directory.authenticate(secret))?.name, 'bob');
  hang = true;
  const started = Date.now();
  assert.equal((await directory.authenticate(secret))?.name, 'bob');
  assert.ok(Date.now() - started < 40, 'the cached answer does not wait for the store');
  await assert.rejects(directory.authenticate(generateKeySecret()), (error: { code?: string; status?: number; retryAfterSeconds?: number }) => {
    assert.equal(error.code, 'gateway_unavailable');
    assert.equal(error.status, 503);
    assert.equal(error.retryAfterSeconds, 1);
    return true;
  });
});

test('forget() also tells the other instances; a change they announce (dropCached) makes a revocation a 401 here at once', async () => {
  const store = newStore();
  let announced = 0;
  const here = new KeyDirectory([], store, { onKeysChanged: () => announced++ });
  const there = new KeyDirectory([], store, { onKeysChanged: () => assert.fail('dropCached must not announce again') });
  const secret = generateKeySecret();
  await store.create(stored('carol', secret));
  here.forget();
  assert.equal(announced, 1);
  assert.equal((await there.authenticate(secret))?.name, 'carol');
  await store.revoke('carol', new Date());
  // Fresh in its cache: without the announcement `there` would still accept it for up to a second.
  assert.equal((await there.authenticate(secret))?.name, 'carol');
  there.dropCached();
  await rejects401(there.authenticate(secret), /has been revoked/);
});
