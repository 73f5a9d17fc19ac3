import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteEngine, serializeError, sqliteOperations, type SqliteEngine, type SqliteReply, type SqliteRequest } from './sqlite-operations.ts';

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
port.on('message', (request: SqliteRequest | 'close') => {
  if (request === 'close') {
    engine.database.close();
    port.postMessage({ closed: true });
    return;
  }
  const left = request.deadline - Date.now();
  if (left <= 0) return reply({ id: request.id, expired: true });
  // A lock held by someone else is waited for at most until the caller stops waiting.
  const wanted = Math.max(0, Math.min(maxBusyMs, left - 20));
  if (wanted !== busyMs) {
    engine.database.pragma(`busy_timeout = ${wanted}`);
    busyMs = wanted;
  }
  const operation = sqliteOperations[request.op] as (engine: SqliteEngine, ...args: unknown[]) => unknown;
  try {
    Promise.resolve(operation(engine, ...request.args)).then(
      (value) => reply({ id: request.id, value }),
      (error: unknown) => reply({ id: request.id, error: serializeError(error) }),
    );
  } catch (error) {
    reply({ id: request.id, error: serializeError(error) });
  }
});

function reply(message: SqliteReply): void {
  port!.postMessage(message);
}
