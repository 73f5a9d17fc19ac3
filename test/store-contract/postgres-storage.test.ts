import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrate } from '../../src/cli/migrate.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { outboxPath, PostgresStorage } from '../../src/store/postgres/postgres-storage.ts';
import { postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { requestLogRow } from '../support/observability/request-log-row.ts';
import { createTestDatabase, sharedPostgresUrl, type TestDatabase } from '../support/postgres/shared-postgres.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/postgres/private-postgres.ts';
import { entry, rule } from '../support/store/spend-fixtures.ts';

// What the Postgres backend promises beyond the shared contract: migrations that several
// instances may run at once, exact budgets across instances, batched writes, and an outbox
// that keeps every row while the server is down.
const outboxDir = mkdtempSync(join(tmpdir(), 'switchyard-pg-storage-'));
const databases: TestDatabase[] = [];
const fresh = async (label: string) => {
  const database = await createTestDatabase(label);
  databases.push(database);
  return database;
};

after(async () => {
  for (const database of databases) await database.drop();
  rmSync(outboxDir, { recursive: true, force: true });
});

test('four instances starting at once on an empty database apply each migration exactly once', async () => {
  const database = await fresh('migrate');
  const storages = await Promise.all([1, 2, 3, 4].map((index) => PostgresStorage.open(database.url, { outboxDir, instanceId: `m${index}` })));
  await Promise.all(storages.map((storage) => storage.close()));
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const names = (await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((row) => row.name);
    assert.deepEqual(names, postgresMigrations.map((migration) => migration.name).sort());
  } finally {
    await client.end();
  }
});

test('start refuses with a ConfigError that names the problem: no server, no such database', async () => {
  await assert.rejects(
    PostgresStorage.open('postgres://postgres@127.0.0.1:1/switchyard', { outboxDir, connectTimeoutMs: 1_000 }),
    (error: unknown) =>
      error instanceof ConfigError && /cannot use Postgres at 127\.0\.0\.1:1\/switchyard/.test(error.message) && /ECONNREFUSED/.test(error.message),
  );
  const missing = new URL(sharedPostgresUrl);
  missing.pathname = '/switchyard_test_no_such_database';
  await assert.rejects(
    PostgresStorage.open(missing.toString(), { outboxDir }),
    (error: unknown) => error instanceof ConfigError && /3D000/.test(error.message) && /createdb/.test(error.hint ?? ''),
  );
});

test('three instances reserving at once against one hard cap admit exactly what fits, whatever the order of their rules', async () => {
  const database = await fresh('race');
  const storages = await Promise.all([1, 2, 3].map((index) => PostgresStorage.open(database.url, { outboxDir, instanceId: `r${index}` })));
  try {
    const now = new Date('2026-11-10T12:00:00Z');
    const key = rule({ limitMicros: 1_000 });
    const team = rule({ scope: 'team', subject: 'platform', limitMicros: 100_000 });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        storages[index % 3]!.spend.reserve({ reservationId: `race-${index}`, rules: index % 2 ? [key, team] : [team, key], amountMicros: 100, now }),
      ),
    );
    assert.equal(results.filter((result) => result.ok).length, 10);
    const [keyUsage, teamUsage] = await storages[0]!.spend.usage([key, team], now);
    assert.deepEqual([keyUsage?.reservedMicros, teamUsage?.reservedMicros], [1_000, 1_000]);
    // Settled from different instances at once, each bills once.
    await Promise.all(
      results.flatMap((result, index) =>
        result.ok
          ? [storages[(index + 1) % 3]!.spend.settle({ reservationId: `race-${index}`, actualMicros: 90, entry: entry({ requestId: `race-${index}` }) })]
          : [],
      ),
    );
    const [settled] = await storages[2]!.spend.usage([key], now);
    assert.deepEqual([settled?.spentMicros, settled?.reservedMicros], [900, 0]);
    // One rule alone takes the one-statement path (the first reservations create the counter on the locked one).
    const alone = rule({ subject: 'bob', limitMicros: 1_000 });
    const single = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        storages[index % 3]!.spend.reserve({ reservationId: `single-${index}`, rules: [alone], amountMicros: 100, now }),
      ),
    );
    assert.equal(single.filter((result) => result.ok).length, 10);
    const refused = single.find((result) => !result.ok);
    assert.ok(refused && !refused.ok && refused.blocked.rule.subject === 'bob', 'a refusal names the rule');
    assert.equal((await storages[1]!.spend.usage([alone], now))[0]?.reservedMicros, 1_000);
    await assert.rejects(
      storages[0]!.spend.reserve({
        reservationId: `single-${single.findIndex((result) => result.ok)}`,
        rules: [rule({ subject: 'bob', limitMicros: 10_000 })],
        amountMicros: 1,
        now,
      }),
      /already exists/,
    );
    assert.equal((await storages[1]!.spend.usage([alone], now))[0]?.reservedMicros, 1_000, 'a refused duplicate holds nothing');
  } finally {
    await Promise.all(storages.map((storage) => storage.close()));
  }
});

test('queued log rows and unbudgeted ledger rows reach Postgres in one transaction of multi-row INSERTs, not one round trip each', async () => {
  const database = await fresh('batch');
  const storage = await PostgresStorage.open(database.url, { outboxDir, instanceId: 'batch' });
  try {
    // Count every statement the storage's pool sends from here on.
    const pool = (storage as unknown as { pool: pg.Pool }).pool;
    const statements: string[] = [];
    pool.on('acquire', (client) => {
      const original = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
        statements.push(text.trim().split(/\s+/).slice(0, 3).join(' '));
        return original(...args);
      };
    });
    for (let index = 0; index < 150; index++) storage.logs.append(requestLogRow({ requestId: `batch-${index}` }));
    for (let index = 0; index < 40; index++) await storage.spend.record({ rules: [], entry: entry({ requestId: `batch-${index}` }), now: new Date() });
    await storage.logs.flush();
    assert.deepEqual(statements, ['BEGIN', 'INSERT INTO request_logs', 'INSERT INTO spend_ledger', 'COMMIT']);
    assert.equal((await storage.logs.query({ limit: 1000 })).length, 150);
    assert.equal((await storage.spend.rollup({ groupBy: 'key' }))[0]?.requests, 40);
  } finally {
    await storage.close();
  }
});

describe('Postgres unreachable while running (a private server, stopped and restarted)', () => {
  let server: PrivatePostgres;
  let database: TestDatabase;
  before(async () => {
    server = await startPrivatePostgres();
    database = await createTestDatabase('outbox', server.url);
  });
  after(async () => {
    await server.dispose();
  });

  test('rows go to the fsynced outbox, /ready fails, and on restart they are replayed in order, each written once', async () => {
    const storage = await PostgresStorage.open(database.url, { outboxDir, instanceId: 'outbox-node', connectTimeoutMs: 500 });
    const file = outboxPath(outboxDir, 'outbox-node');
    try {
      storage.logs.append(requestLogRow({ requestId: 'before' }));
      await storage.logs.flush();
      await server.stop();
      for (let index = 0; index < 30; index++) {
        storage.logs.append(requestLogRow({ requestId: `down-${index}` }));
        await storage.spend.record({ rules: [], entry: entry({ requestId: `down-${index}`, costMicros: 7 }), now: new Date() });
      }
      await storage.logs.flush();
      assert.ok(existsSync(file), 'the outbox file exists');
      const kept = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(kept.length, 60);
      assert.equal(JSON.parse(kept[0]!).row.requestId, 'down-0', 'in the order they came');
      assert.equal(storage.stats().outboxRows, 60);
      await assert.rejects(storage.ping());
      await server.start();
      await storage.logs.flush();
      assert.equal(existsSync(file), false, 'the outbox is gone once replayed');
      assert.equal(storage.stats().outboxRows, 0);
      await storage.ping();
      const logs = await storage.logs.query({ limit: 1000 });
      assert.equal(logs.length, 31);
      const ledger = await storage.spend.rollup({ groupBy: 'key' });
      assert.deepEqual([ledger[0]?.requests, ledger[0]?.costMicros], [30, 210]);
    } finally {
      await storage.close();
    }
  });

  test('a replay of rows already stored (a crash between the write and the outbox removal) writes nothing twice', async () => {
    const storage = await PostgresStorage.open(database.url, { outboxDir, instanceId: 'outbox-node', connectTimeoutMs: 500 });
    try {
      await server.stop();
      storage.logs.append(requestLogRow({ requestId: 'down-0', outcome: 'client_disconnected', status: 499 }));
      await storage.spend.record({ rules: [], entry: entry({ requestId: 'down-0', costMicros: 7 }), now: new Date() });
      await storage.logs.flush();
      await storage.close();
    } finally {
      await server.start();
    }
    // The next start replays the outbox it finds.
    const reopened = await PostgresStorage.open(database.url, { outboxDir, instanceId: 'outbox-node' });
    try {
      await reopened.logs.flush();
      const rows = await reopened.logs.query({ limit: 1000 });
      assert.equal(rows.filter((row) => row.requestId === 'down-0').length, 1);
      assert.equal(rows.find((row) => row.requestId === 'down-0')?.outcome, 'client_disconnected');
      const ledger = await reopened.spend.rollup({ groupBy: 'key' });
      assert.deepEqual([ledger[0]?.requests, ledger[0]?.costMicros], [30, 210], 'the same ledger entry replayed is not booked twice');
    } finally {
      await reopened.close();
    }
  });
});

test('switchyard migrate applies the pending steps once, then says the schema is current', async () => {
  const database = await fresh('cli');
  const configFile = join(outboxDir, 'migrate.yaml');
  writeFileSync(configFile, `storage: { url: "${database.url}" }\n`);
  const run = async () => {
    let out = '';
    await runMigrate(['--config', configFile], { stdout: { write: (chunk: string) => ((out += chunk), true) } as NodeJS.WritableStream });
    return out;
  };
  const first = await run();
  assert.match(first, new RegExp(`^postgres 127\\.0\\.0\\.1:5432/${database.name}: applied ${postgresMigrations.map((step) => step.name).join(', ')}\\n$`));
  assert.match(await run(), /: schema is current\n$/);
});

test('the response cache table: a stored answer is read back until it expires, and a put replaces it', async () => {
  const database = await fresh('cache');
  const storage = await PostgresStorage.open(database.url, { outboxDir, instanceId: 'cache' });
  try {
    await storage.responseCache.put('k1', 'first', 2_000);
    assert.equal(await storage.responseCache.get('k1', 1_000), 'first');
    assert.equal(await storage.responseCache.get('k1', 2_000), undefined, 'expired at its instant');
    await storage.responseCache.put('k1', 'second', 5_000);
    assert.equal(await storage.responseCache.get('k1', 3_000), 'second');
    assert.equal(await storage.responseCache.get('other', 0), undefined);
  } finally {
    await storage.close();
  }
});
