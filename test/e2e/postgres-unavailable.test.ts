import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { spawnGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/postgres/shared-postgres.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/postgres/private-postgres.ts';

// A real gateway process on a PRIVATE Postgres (the shared one is never stopped), which is
// stopped in the middle of a burst of requests and started again: every request keeps
// exactly one log row and one ledger entry, through the outbox.
const masterKey = 'sk-master-pg-outbox-0001';
let server: PrivatePostgres;
let database: TestDatabase;
let emulator: ResponsesEmulator;
let gateway: GatewayProcess;
let outboxDir: string;

before(async () => {
  server = await startPrivatePostgres();
  database = await createTestDatabase('outbox_e2e', server.url);
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 10, output: 5 } }) });
  outboxDir = mkdtempSync(join(tmpdir(), 'switchyard-pg-outbox-'));
  gateway = await spawnGatewayProcess(`
server: { master_key: ${masterKey} }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-test }
models:
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 10 } }
keys:
  - { name: plain, key: sk-pg-outbox-plain-0001 }
storage: { url: "${database.url}", instance_id: outbox-node, outbox_dir: "${outboxDir}" }
`);
});

after(async () => {
  await gateway?.kill();
  await emulator?.close();
  await server?.dispose();
  rmSync(outboxDir, { recursive: true, force: true });
});

async function ask(): Promise<{ status: number; requestId: string }> {
  const response = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-pg-outbox-plain-0001', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'priced', input: 'hi' }),
  });
  await response.arrayBuffer();
  return { status: response.status, requestId: response.headers.get('x-request-id') ?? '' };
}

async function readiness(): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.url}/ready`);
  return { status: response.status, body: await response.json() };
}

async function outboxRows(): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const match = /^switchyard_storage_outbox_rows\{backend="postgres"\} (\d+)$/m.exec(text);
  assert.ok(match, 'the outbox gauge is exported');
  assert.match(text, /^switchyard_storage_pool_connections\{backend="postgres"\} \d+$/m);
  return Number(match[1]);
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('Postgres stopped during a burst: requests are served, rows wait in the outbox, and after the restart every request has exactly one log row and one ledger entry', async () => {
  const answers: Array<{ status: number; requestId: string }> = [];
  const wave = async () => answers.push(...(await Promise.all(Array.from({ length: 10 }, () => ask()))));
  await wave();
  await wave();
  await server.stop();
  await wave();
  await wave();
  await wave();
  // Rows accepted while the database is down are kept durably, and readiness says so.
  const outboxFile = join(outboxDir, 'outbox-outbox-node.jsonl');
  await until(async () => (await outboxRows()) > 0 && existsSync(outboxFile), 'rows in the outbox file');
  const down = await readiness();
  assert.equal(down.status, 503);
  assert.equal(down.body.storage, 'postgres');
  assert.equal(down.body.storage_state, 'unavailable');
  await server.start();
  await wave();
  await until(async () => (await readiness()).status === 200 && (await outboxRows()) === 0, 'the outbox to drain');
  assert.equal(existsSync(outboxFile), false, 'the outbox is gone once replayed');

  assert.deepEqual(
    answers.map((answer) => answer.status),
    Array(60).fill(200),
    'every request was served',
  );
  const ids = answers.map((answer) => answer.requestId).sort();
  assert.equal(new Set(ids).size, 60);
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    // The last wave's rows leave the write-behind queue on its next flush (every 100 ms, later on a loaded machine).
    const count = async (table: string) => (await client.query<{ n: number }>(`SELECT COUNT(DISTINCT request_id)::int AS n FROM ${table}`)).rows[0]!.n;
    await until(async () => (await count('request_logs')) >= 60 && (await count('spend_ledger')) >= 60, 'every row to be written');
    const logged = (await client.query<{ request_id: string; n: number }>('SELECT request_id, COUNT(*)::int AS n FROM request_logs GROUP BY request_id')).rows;
    const ledger = (await client.query<{ request_id: string; n: number }>('SELECT request_id, COUNT(*)::int AS n FROM spend_ledger GROUP BY request_id')).rows;
    console.log(`60 requests, 30 while Postgres was down: ${logged.length} log rows, ${ledger.length} ledger entries`);
    assert.deepEqual(logged.map((row) => row.request_id).sort(), ids, 'one log row per request');
    assert.ok(
      logged.every((row) => row.n === 1),
      'no log row twice',
    );
    assert.deepEqual(ledger.map((row) => row.request_id).sort(), ids, 'one ledger entry per request');
    assert.ok(
      ledger.every((row) => row.n === 1),
      'no ledger entry twice',
    );
  } finally {
    await client.end();
  }
});
