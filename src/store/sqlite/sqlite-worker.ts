import { parentPort, workerData } from 'node:worker_threads';
import {
  batchedWrites,
  openSqliteEngine,
  serializeError,
  sqliteOperations,
  type SqliteEngine,
  type SqliteReply,
  type SqliteRequest,
} from './sqlite-operations.ts';

/**
 * The storage worker thread: owns the one better-sqlite3 connection and answers the main
 * thread's calls in order. A call that has to wait for another process's write lock waits
 * here (at most until its deadline), never on the event loop that serves requests.
 */
const port = parentPort;
if (!port) throw new Error('sqlite-worker runs as a worker thread');
const { path, maxBusyMs } = workerData as { path: string; maxBusyMs: number };

let engine: SqliteEngine;
try {
  engine = openSqliteEngine(path);
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ failed: serializeError(error) });
  process.exit(1);
}

let busyMs = -1;
port.on('message', (batch: SqliteRequest[] | 'close') => {
  if (batch === 'close') {
    engine.database.close();
    port.postMessage({ closed: true });
    return;
  }
  // One message back for the answers ready now, one for those the batch's promises settle to
  // (the stores' async methods run synchronously inside, so they settle in the next microtask).
  const replies: SqliteReply[] = [];
  const later: Promise<SqliteReply>[] = [];
  for (let index = 0; index < batch.length; ) {
    let end = index + 1;
    if (batchedWrites.has(batch[index]!.op)) while (end < batch.length && batchedWrites.has(batch[end]!.op)) end++;
    const answers = end - index > 1 ? runTogether(batch.slice(index, end)) : [run(batch[index]!)];
    for (const answer of answers) {
      if (answer instanceof Promise) later.push(answer);
      else replies.push(answer);
    }
    index = end;
  }
  if (replies.length > 0) port.postMessage(replies);
  if (later.length > 0) void Promise.all(later).then((answers) => port.postMessage(answers));
});

/** Batched writes that arrive together (`batchedWrites`) run in one transaction; a failed commit fails them all. */
function runTogether(requests: SqliteRequest[]): (SqliteReply | Promise<SqliteReply>)[] {
  try {
    return engine.database.transaction(() => requests.map(run))();
  } catch (error) {
    return requests.map((request) => ({ id: request.id, error: serializeError(error) }));
  }
}

function run(request: SqliteRequest): SqliteReply | Promise<SqliteReply> {
  const left = request.deadline - Date.now();
  if (left <= 0) return { id: request.id, expired: true };
  // A lock held by someone else is waited for at most until the caller stops waiting.
  const wanted = Math.max(0, Math.min(maxBusyMs, left - 20));
  if (wanted !== busyMs) {
    engine.database.pragma(`busy_timeout = ${wanted}`);
    busyMs = wanted;
  }
  const operation = sqliteOperations[request.op] as (engine: SqliteEngine, ...args: unknown[]) => unknown;
  try {
    const value = operation(engine, ...request.args);
    if (value instanceof Promise) {
      return value.then(
        (settled: unknown) => ({ id: request.id, value: settled }),
        (error: unknown) => ({ id: request.id, error: serializeError(error) }),
      );
    }
    return { id: request.id, value };
  } catch (error) {
    return { id: request.id, error: serializeError(error) };
  }
}
