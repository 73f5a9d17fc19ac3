import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startGateway, type RunningGateway } from '../../src/app.ts';
import { parseConfigText } from '../../src/config/load-config.ts';
import { startResponsesEmulator, type ResponsesEmulator } from '../fakes/responses-emulator.ts';

// A gateway killed with -9 mid-request leaves its reservation open. Restarted under the same
// instance id it frees it at once (not two hours later); another instance does not touch it.
let emulator: ResponsesEmulator;
let directory: string;
const children: ChildProcess[] = [];

before(async () => {
  // Never answers in time: the request is still in flight when its gateway is killed.
  emulator = await startResponsesEmulator({ respond: () => ({ text: 'ok', usage: { input: 1, output: 1 }, delayMs: 5_000 }), apiKey: 'sk-upstream-lease' });
  directory = mkdtempSync(join(tmpdir(), 'switchyard-lease-'));
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await emulator.close();
  rmSync(directory, { recursive: true, force: true });
});

const config = (instanceId: string) => `
providers:
  oai: { type: openai, base_url: "${emulator.url}", api_key: sk-upstream-lease }
models:
  priced: { provider: oai, model: gpt-5.5, pricing: { input: 1, output: 10 }, max_output_tokens: 100 }
keys:
  - { name: capped, key: sk-lease-capped-01, budget: { limit_usd: 10, window: month, mode: hard } }
storage: { url: "sqlite:${join(directory, 'switchyard.db')}", instance_id: ${instanceId} }
`;

function spawnGateway(yaml: string): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('../support/run-gateway-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, SWITCHYARD_TEST_CONFIG: yaml },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gateway process exited ${code} before listening`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening (\S+)/.exec(chunk.toString());
      if (match) resolve({ child, url: match[1]! });
    });
  });
}

function openReservations(): Array<{ holder: string | null; amount_micros: number }> {
  const database = new Database(join(directory, 'switchyard.db'), { readonly: true });
  try {
    return database.prepare("SELECT holder, amount_micros FROM spend_reservations WHERE state = 'open'").all() as Array<{
      holder: string | null;
      amount_micros: number;
    }>;
  } finally {
    database.close();
  }
}

function reservedMicros(): number {
  const database = new Database(join(directory, 'switchyard.db'), { readonly: true });
  try {
    return (
      database.prepare("SELECT COALESCE(SUM(reserved_micros), 0) AS n FROM spend_counters WHERE scope = 'key' AND subject = 'capped'").get() as { n: number }
    ).n;
  } finally {
    database.close();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('kill -9 mid-request: the restarted instance frees its earlier run’s reservation at start; another instance leaves it alone', async () => {
  const { child, url } = await spawnGateway(config('node-a'));
  const pending = fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-lease-capped-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'priced', input: 'a long one', stream: true }),
  }).catch(() => undefined);
  await until(() => openReservations().length === 1, 'the reservation');
  const [held] = openReservations();
  assert.equal(held?.holder, 'node-a');
  const heldMicros = reservedMicros();
  assert.ok(heldMicros > 0);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  await pending;

  const runtimeConfig = (instanceId: string) => parseConfigText(config(instanceId), { env: {}, source: 'test', cwd: directory });
  // Another instance on the same file: not its reservation (that one's process may be alive).
  const other: RunningGateway = await startGateway(runtimeConfig('node-b'), { host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(reservedMicros(), heldMicros, 'node-b does not free node-a’s hold');
  await other.close();

  const started = performance.now();
  const restarted: RunningGateway = await startGateway(runtimeConfig('node-a'), { host: '127.0.0.1', port: 0 });
  try {
    await until(() => reservedMicros() === 0, 'the release at start');
    console.log(`held ${heldMicros} µ$ after kill -9; freed ${Math.round(performance.now() - started)} ms after the restart (was: at the 2 h expiry)`);
    assert.deepEqual(openReservations(), []);
  } finally {
    await restarted.close();
  }
});
