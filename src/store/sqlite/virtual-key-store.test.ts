import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashKey } from '../../core/hash-key.ts';
import { displayPrefix, generateKeySecret } from '../../policy/generate-key-secret.ts';
import { VirtualKeyConflictError, type VirtualKeyRecord } from '../virtual-key-store.ts';
import { migrateSqlite } from './migrations.ts';
import { virtualKeyMigrations } from './virtual-key-migrations.ts';
import { SqliteVirtualKeyStore } from './virtual-key-store.ts';

function openStore(path = ':memory:'): { database: Database.Database; store: SqliteVirtualKeyStore } {
  const database = new Database(path);
  if (path !== ':memory:') database.pragma('journal_mode = WAL');
  migrateSqlite(database, virtualKeyMigrations);
  return { database, store: new SqliteVirtualKeyStore(database) };
}

function record(name: string, secret = generateKeySecret()): VirtualKeyRecord {
  return { name, hash: hashKey(secret), prefix: displayPrefix(secret), tags: [], aliases: {}, createdAt: '2025-01-01T00:00:00.000Z', source: 'api' };
}

test('create, find by hash, get and list round-trip every field', async () => {
  const { store } = openStore();
  assert.equal(await store.hasAny(), false);
  const full: VirtualKeyRecord = {
    ...record('alice', 'sk-sy-alice-secret-0000000000000000'),
    team: 'platform',
    user: 'alice@example.com',
    tags: ['ci', 'prod'],
    modelsAllowed: ['claude-sonnet', 'smart'],
    aliases: { fast: 'claude-sonnet' },
    budget: { limitUsd: 50, window: 'month', mode: 'hard', warnAt: 0.8, weekStartsOn: 1, monthStartsOn: 1 },
    rateLimit: { rpm: 60, tpm: 200000, concurrent: 8 },
    expiresAt: '2030-01-01T00:00:00.000Z',
  };
  await store.create(full);
  await store.create(record('bob'));
  assert.deepEqual(await store.findByHash(hashKey('sk-sy-alice-secret-0000000000000000')), full);
  assert.deepEqual(await store.get('alice'), full);
  assert.equal(await store.findByHash(hashKey('sk-sy-other')), undefined);
  assert.equal(await store.get('nobody'), undefined);
  assert.deepEqual(
    (await store.list()).map((entry) => entry.name),
    ['alice', 'bob'],
  );
  assert.equal(await store.hasAny(), true);
});

test('a duplicate name or secret is a conflict, and nothing is written', async () => {
  const { store } = openStore();
  await store.create(record('alice', 'sk-sy-one-1111111111111111111111111'));
  await assert.rejects(store.create(record('alice')), (error: unknown) => error instanceof VirtualKeyConflictError && error.field === 'name');
  await assert.rejects(
    store.create(record('carol', 'sk-sy-one-1111111111111111111111111')),
    (error: unknown) => error instanceof VirtualKeyConflictError && error.field === 'hash',
  );
  assert.equal((await store.list()).length, 1);
});

test('update changes only the named fields; null clears', async () => {
  const { store } = openStore();
  await store.create({ ...record('alice'), team: 'platform', user: 'alice', modelsAllowed: ['a'], rateLimit: { rpm: 5 } });
  const updated = await store.update('alice', {
    team: 'research',
    modelsAllowed: null,
    tags: ['x'],
    budget: { limitUsd: 5, window: 'day', mode: 'soft', warnAt: 0.5, weekStartsOn: 1, monthStartsOn: 1 },
  });
  assert.equal(updated?.team, 'research');
  assert.equal(updated?.user, 'alice');
  assert.equal(updated?.modelsAllowed, undefined);
  assert.deepEqual(updated?.tags, ['x']);
  assert.deepEqual(updated?.rateLimit, { rpm: 5 });
  assert.equal(updated?.budget?.limitUsd, 5);
  assert.equal(await store.update('nobody', { team: 'x' }), undefined);
});

test('revoke sets revoked_at once and keeps the record (name stays taken)', async () => {
  const { store } = openStore();
  await store.create(record('alice'));
  const first = await store.revoke('alice', new Date('2025-02-01T00:00:00Z'));
  assert.equal(first?.revokedAt, '2025-02-01T00:00:00.000Z');
  const second = await store.revoke('alice', new Date('2025-03-01T00:00:00Z'));
  assert.equal(second?.revokedAt, '2025-02-01T00:00:00.000Z');
  assert.equal(await store.revoke('nobody', new Date()), undefined);
  await assert.rejects(store.create(record('alice')), VirtualKeyConflictError);
  assert.equal(await store.hasAny(), true);
});

test('the secret never reaches the database file; its hash does', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
  try {
    const path = join(directory, 'keys.db');
    const { database, store } = openStore(path);
    const secret = generateKeySecret();
    await store.create(record('alice', secret));
    await store.update('alice', { team: 'platform' });
    await store.revoke('alice', new Date());
    const bytes = () => Buffer.concat([path, `${path}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
    // Before close the rows may sit in the WAL; after close they are checkpointed into the main file.
    for (const snapshot of [bytes(), (database.close(), bytes())]) {
      assert.ok(snapshot.includes(Buffer.from(hashKey(secret))), 'the hash is stored (the search works)');
      assert.equal(snapshot.includes(Buffer.from(secret)), false, 'the full secret is not stored');
      assert.equal(snapshot.includes(Buffer.from(secret.slice(12))), false, 'nor the part after the display prefix');
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
