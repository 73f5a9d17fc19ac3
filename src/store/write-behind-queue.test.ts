import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBehindQueue } from './write-behind-queue.ts';

function spillDirectory(): { spillPath: string; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-queue-'));
  return { spillPath: join(directory, 'db-spill.jsonl'), cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

test('a refused batch is spilled to disk and retried with backoff from the timer, without throwing; the store then gets every row once', async () => {
  const { spillPath, cleanup } = spillDirectory();
  try {
    let refuse = true;
    let refusals = 0;
    const written: number[] = [];
    const queue = new WriteBehindQueue<number>({
      name: 'test',
      spillPath,
      intervalMs: 5,
      maxBackoffMs: 20,
      write: async (items) => {
        if (refuse) {
          refusals++;
          throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        }
        written.push(...items);
      },
    });
    for (let index = 0; index < 10; index++) queue.push(index);
    // The timer's write fails: no exception escapes (the test process would die), the rows go to disk.
    // (Polled, bounded: on a loaded machine the timer's retries come later, never sooner.)
    for (const deadline = Date.now() + 5_000; refusals < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(refusals >= 2, `retried (${refusals})`);
    assert.equal(queue.failing, true);
    assert.equal(queue.pending, 0);
    // A retry renames the file aside while it replays; between them they hold every row.
    const spilled = [spillPath, `${spillPath}.replaying`].filter((path) => existsSync(path)).map((path) => readFileSync(path, 'utf8'));
    assert.equal(spilled.join('').trim().split('\n').length, 10);
    queue.push(10);
    refuse = false;
    await queue.flush();
    assert.deepEqual(
      [...written].sort((a, b) => a - b),
      Array.from({ length: 11 }, (_, index) => index),
    );
    assert.equal(queue.failing, false);
    assert.equal(existsSync(spillPath) || existsSync(`${spillPath}.replaying`), false, 'the spill file is gone once replayed');
    await queue.close();
  } finally {
    cleanup();
  }
});

test('rows a dead process left in the spill file are replayed by the next one at start; a torn last line is skipped', async () => {
  const { spillPath, cleanup } = spillDirectory();
  try {
    const dead = new WriteBehindQueue<{ id: number }>({ name: 'dead', spillPath, write: () => Promise.reject(new Error('locked')) });
    for (let id = 0; id < 3; id++) dead.push({ id });
    await dead.close();
    assert.equal(existsSync(spillPath), true);
    // A crash in the middle of an append leaves half a line.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(spillPath, '{"id":');
    const written: number[] = [];
    const next = new WriteBehindQueue<{ id: number }>({
      name: 'next',
      spillPath,
      write: async (items) => {
        written.push(...items.map((item) => item.id));
      },
    });
    // Nothing pushed: the start alone replays.
    for (let wait = 0; wait < 50 && written.length < 3; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(written, [0, 1, 2]);
    await next.close();
    assert.equal(existsSync(spillPath), false);
  } finally {
    cleanup();
  }
});

test('without a spill file the queue stays bounded: the oldest rows are dropped beyond maxQueued', async () => {
  const queue = new WriteBehindQueue<number>({ name: 'memory', maxQueued: 5, intervalMs: 1_000, write: () => Promise.reject(new Error('down')) });
  for (let index = 0; index < 8; index++) queue.push(index);
  assert.equal(queue.pending, 5);
  await queue.close();
});

test('under steady load a batch per interval, not a write per round trip: rows pushed during a write wait for their interval; a flush still writes every row', async () => {
  const batches: number[][] = [];
  const queue = new WriteBehindQueue<number>({
    name: 'load',
    intervalMs: 40,
    write: async (items) => {
      batches.push(items);
      // A write takes a round trip to the storage thread.
      await new Promise((resolve) => setTimeout(resolve, 2));
    },
  });
  // A row every millisecond for ~200 ms (pushed from timers, as requests finishing would).
  let pushed = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      queue.push(pushed++);
      if (pushed === 200) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await queue.flush();
  assert.deepEqual(
    batches.flat(),
    Array.from({ length: 200 }, (_, index) => index),
    'every row once, in order',
  );
  // Chasing every new row would make a write per 2 ms round trip (~100 writes); one per 40 ms interval is a handful.
  assert.ok(batches.length <= 20, `${batches.length} writes for 200 rows`);
  assert.equal(queue.pending, 0);
  await queue.close();
});
