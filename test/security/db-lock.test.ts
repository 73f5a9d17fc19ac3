import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

// Another process holds the SQLite write lock for 6 s (longer than the 5 s busy timeout).
// Throughout: /health answers fast, keys without budgets (a config key and a stored one) are
// served, a budgeted key gets 503 budget_store_unavailable with Retry-After, the process lives;
// afterwards every request made during the lock has its log row.
const lockMs = 6_000;
const masterKey = 'sk-master-lock-test-0001';
let emulator: ResponsesEmulator;
let gateway: TestGateway;
let holder: ChildProcess | undefined;

before(async () => {
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 10, output: 20 } }), apiKey: 'sk-upstream-lock' });
  gateway = await startTestGateway(`
server: { master_key: ${masterKey} }
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-lock }
models:
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 10 }, max_output_tokens: 100 }
keys:
  - { name: free, key: sk-lock-free-00001 }
  - { name: capped, key: sk-lock-capped-001, budget: { limit_usd: 10, window: month, mode: hard } }
`);
});

after(async () => {
  holder?.kill('SIGKILL');
  await gateway.close();
  await emulator.close();
});

async function call(key: string): Promise<{ status: number; requestId: string; retryAfter: string | null; code: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${gateway.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'priced', input: 'hello' }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { error?: { code?: unknown } };
  return {
    status: response.status,
    requestId: response.headers.get('x-request-id') ?? '',
    retryAfter: response.headers.get('retry-after'),
    code: body.error?.code,
    ms: performance.now() - started,
  };
}

function holdLock(path: string, ms: number): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('../support/hold-sqlite-lock.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, path, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code} before locking`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve(child);
    });
  });
}

test('a 6 s write lock held by another process: health stays fast, unbudgeted keys are served, budgeted ones get 503, no log row is lost', async () => {
  const admin = { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${gateway.url}/admin/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'stored' }) });
  assert.equal(created.status, 201);
  const { key: storedKey } = (await created.json()) as { key: string };
  // Seen once before the lock: from then on its lookup is cached.
  assert.equal((await call(storedKey)).status, 200);
  assert.equal((await call('sk-lock-capped-001')).status, 200);

  const path = join(gateway.dataDir, 'switchyard.db');
  holder = await holdLock(path, lockMs);
  const lockedAt = performance.now();
  const released = new Promise<void>((resolve) => holder!.once('exit', () => resolve()));
  let lockHeld = true;
  void released.then(() => {
    lockHeld = false;
  });

  const healthMs: number[] = [];
  const readyStatuses: number[] = [];
  const free: Awaited<ReturnType<typeof call>>[] = [];
  /** Every unbudgeted request sent, also those that were sent locked and answered just after the release. */
  const allFree: Awaited<ReturnType<typeof call>>[] = [];
  const capped: Awaited<ReturnType<typeof call>>[] = [];
  const pollHealth = async () => {
    while (lockHeld) {
      const started = performance.now();
      const response = await fetch(`${gateway.url}/health`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      healthMs.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const pollReady = async () => {
    while (lockHeld) {
      const response = await fetch(`${gateway.url}/ready`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (lockHeld) readyStatuses.push(response.status);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const sendFree = async () => {
    while (lockHeld) {
      for (const result of await Promise.all([call('sk-lock-free-00001'), call(storedKey)])) {
        allFree.push(result);
        if (lockHeld) free.push(result);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const sendCapped = async () => {
    while (lockHeld) {
      const result = await call('sk-lock-capped-001');
      if (lockHeld) capped.push(result);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  await Promise.all([pollHealth(), pollReady(), sendFree(), sendCapped(), released]);
  const heldMs = performance.now() - lockedAt;

  // After the lock: the budgeted key is served again, /ready recovers.
  assert.equal((await call('sk-lock-capped-001')).status, 200);
  let ready = 0;
  for (let attempt = 0; attempt < 50 && ready !== 200; attempt++) {
    ready = (await fetch(`${gateway.url}/ready`)).status;
    if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(ready, 200, '/ready recovers once the lock is gone');

  await gateway.gateway.storage.logs.flush();
  const database = new Database(path, { readonly: true });
  const ids = [...allFree, ...capped].map((result) => result.requestId);
  const stored = new Set(
    (
      database.prepare(`SELECT request_id FROM request_logs WHERE request_id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Array<{ request_id: string }>
    ).map((row) => row.request_id),
  );
  const ledgerRows = (database.prepare("SELECT COUNT(*) AS n FROM spend_ledger WHERE key_name IN ('free', 'stored')").get() as { n: number }).n;
  database.close();

  const maxHealth = Math.max(...healthMs);
  console.log(
    `lock held ${Math.round(heldMs)} ms: /health max ${maxHealth.toFixed(1)} ms over ${healthMs.length} polls; ` +
      `unbudgeted ${free.filter((result) => result.status === 200).length}/${free.length} served (max ${Math.max(...free.map((result) => result.ms)).toFixed(0)} ms); ` +
      `budgeted ${capped.filter((result) => result.status === 503).length}/${capped.length} got 503 (max ${Math.max(...capped.map((result) => result.ms)).toFixed(0)} ms); ` +
      `/ready during the lock: ${readyStatuses.join(',')}; log rows ${stored.size}/${ids.length}; unbudgeted ledger rows ${ledgerRows}; ` +
      `spill file left: ${existsSync(`${path}-spill.jsonl`) || existsSync(`${path}-spill.jsonl.replaying`)}`,
  );
  assert.ok(heldMs >= lockMs - 100, `the lock was held (${heldMs} ms)`);
  assert.ok(healthMs.length >= 20, `health was polled throughout (${healthMs.length})`);
  assert.ok(maxHealth < 300, `/health answered within 300 ms (max ${maxHealth} ms)`);
  assert.ok(free.length >= 10, `unbudgeted requests were made during the lock (${free.length})`);
  assert.deepEqual(
    free.filter((result) => result.status !== 200).map((result) => result.status),
    [],
    'every unbudgeted request was served',
  );
  assert.ok(capped.length >= 3, `budgeted requests were made during the lock (${capped.length})`);
  for (const result of capped) {
    assert.equal(result.status, 503);
    assert.equal(result.code, 'budget_store_unavailable');
    assert.ok(Number(result.retryAfter) >= 1, `Retry-After: ${result.retryAfter}`);
  }
  assert.ok(readyStatuses.includes(503), `/ready said not ready while locked (${readyStatuses.join(',')})`);
  assert.deepEqual(
    ids.filter((id) => !stored.has(id)),
    [],
    'every request made during the lock has its log row',
  );
  // One ledger row per unbudgeted request (the stored key's call before the lock included): none lost, none twice.
  // (Counted over every request sent, also a pair sent locked and answered after the release: counting only
  // those answered while locked failed once in CI with 113 rows for 110 + 1.)
  assert.equal(ledgerRows, allFree.length + 1);
});
