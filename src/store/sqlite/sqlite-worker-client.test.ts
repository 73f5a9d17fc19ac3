import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { SqliteWorkerClient } from './sqlite-worker-client.ts';

describe('SqliteWorkerClient batching', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-worker-client-'));
  let client: SqliteWorkerClient;
  let messages: unknown[] = [];
  before(async () => {
    client = await SqliteWorkerClient.start(join(dir, 'batch.db'));
    const worker = (client as unknown as { worker: Worker }).worker;
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (message: unknown) => {
      messages.push(message);
      post(message);
    };
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('calls made in one turn of the event loop travel in one message and each gets its own answer', async () => {
    messages = [];
    const answers = await Promise.all([
      client.call('keys.hasAny', [], 2_000),
      client.call('ping', [], 2_000),
      client.call('keys.get', ['nobody'], 2_000),
      client.call('keys.findByHash', ['0'.repeat(64)], 2_000),
    ]);
    assert.deepEqual(answers, [false, undefined, undefined, undefined]);
    assert.equal(messages.length, 1);
    assert.equal((messages[0] as unknown[]).length, 4);
  });

  test('a lazy call waits for company, and a call that is not lazy takes it along at once', async () => {
    messages = [];
    const lazy = client.call('ping', [], 2_000, { lazy: true });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(messages.length, 0, 'the lazy call is still waiting');
    await Promise.all([lazy, client.call('keys.hasAny', [], 2_000)]);
    assert.equal(messages.length, 1);
    assert.equal((messages[0] as unknown[]).length, 2);
    messages = [];
    await client.call('ping', [], 2_000, { lazy: true });
    assert.equal(messages.length, 1, 'alone, it is sent when its short wait ends');
  });

  test('an error answers only its own call', async () => {
    const record = {
      name: 'batch-key',
      hash: 'a'.repeat(64),
      prefix: 'sk-sy-aaaa',
      tags: [],
      aliases: {},
      createdAt: new Date().toISOString(),
      source: 'api' as const,
    };
    const results = await Promise.allSettled([
      client.call('keys.create', [record], 2_000),
      client.call('keys.create', [record], 2_000),
      client.call('keys.hasAny', [], 2_000),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal((results[1] as PromiseRejectedResult).reason.name, 'VirtualKeyConflictError');
    assert.equal((results[2] as PromiseFulfilledResult<boolean>).value, true);
  });
});
