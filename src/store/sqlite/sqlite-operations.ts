import type { QueuedStorageRow } from '../queued-request-log-store.ts';
import type Database from 'better-sqlite3';
import type { LogQuery, RequestLogRow } from '../ports.ts';
import type { BudgetRule, ReservationHolder, SpendLedgerEntry, SpendRollupQuery, SpendStore } from '../spend-store.ts';
import type { VirtualKeyPatch, VirtualKeyRecord } from '../virtual-key-store.ts';
import { openSqlite } from './open-sqlite.ts';
import { SqliteRequestLogStore } from './request-log-store.ts';
import { SqliteSpendStore } from './spend-store.ts';
import { SqliteVirtualKeyStore } from './virtual-key-store.ts';
import { SqliteResponseStore, type StoredResponseRow } from './response-store.ts';
import { SqliteResponseCacheTable } from './response-cache-table.ts';

/** One connection and the stores on it: what the storage worker thread owns. */
export interface SqliteEngine {
  database: Database.Database;
  logs: SqliteRequestLogStore;
  keys: SqliteVirtualKeyStore;
  spend: SqliteSpendStore;
  responses: SqliteResponseStore;
  responseCache: SqliteResponseCacheTable;
}

export function openSqliteEngine(path: string): SqliteEngine {
  const database = openSqlite(path);
  return {
    database,
    logs: new SqliteRequestLogStore(database),
    keys: new SqliteVirtualKeyStore(database),
    spend: new SqliteSpendStore(database),
    responses: new SqliteResponseStore(database),
    responseCache: new SqliteResponseCacheTable(database),
  };
}

/** Rows the main thread queued (log rows, ledger rows of unbudgeted attempts), written together. */
export type QueuedRow = QueuedStorageRow;

/**
 * Everything the storage worker answers, by name. The main thread calls these through
 * `SqliteWorkerClient`; each runs synchronously on the worker's connection, so the only thread
 * that ever waits on an SQLite lock is the worker.
 */
export const sqliteOperations = {
  ping: (engine: SqliteEngine) => {
    engine.database.prepare('SELECT 1').get();
  },
  /** Takes and drops the write lock: proves writes would go through now (`/ready`). */
  probeWrite: (engine: SqliteEngine) => {
    engine.database.exec('BEGIN IMMEDIATE');
    engine.database.exec('ROLLBACK');
  },
  /** The rows as JSON text (they round-trip through JSON anyway: the spill file is JSONL). */
  appendQueued: (engine: SqliteEngine, text: string) => {
    const rows = JSON.parse(text) as QueuedRow[];
    const logs: RequestLogRow[] = [];
    const ledger: SpendLedgerEntry[] = [];
    for (const row of rows) {
      if (row.kind === 'log') logs.push(row.row);
      else ledger.push(row.entry);
    }
    engine.database
      .transaction(() => {
        engine.logs.appendBatch(logs);
        engine.spend.appendLedger(ledger);
      })
      .immediate();
  },
  'logs.query': (engine: SqliteEngine, filter: LogQuery) => engine.logs.query(filter),
  'logs.rollup': (engine: SqliteEngine, query: SpendRollupQuery) => engine.logs.rollup(query),
  'logs.experimentStats': (engine: SqliteEngine, query: { since?: string }) => engine.logs.experimentStats(query),
  'keys.create': (engine: SqliteEngine, record: VirtualKeyRecord) => engine.keys.create(record),
  'keys.findByHash': (engine: SqliteEngine, hash: string) => engine.keys.findByHash(hash),
  'keys.list': (engine: SqliteEngine) => engine.keys.list(),
  'keys.get': (engine: SqliteEngine, name: string) => engine.keys.get(name),
  'keys.update': (engine: SqliteEngine, name: string, patch: VirtualKeyPatch) => engine.keys.update(name, patch),
  'keys.revoke': (engine: SqliteEngine, name: string, at: Date) => engine.keys.revoke(name, at),
  'keys.hasAny': (engine: SqliteEngine) => engine.keys.hasAny(),
  'spend.reserve': (engine: SqliteEngine, input: Parameters<SpendStore['reserve']>[0]) => engine.spend.reserve(input),
  'spend.settle': (engine: SqliteEngine, input: Parameters<SpendStore['settle']>[0]) => engine.spend.settle(input),
  'spend.release': (engine: SqliteEngine, reservationId: string) => engine.spend.release(reservationId),
  'spend.record': (engine: SqliteEngine, input: Parameters<SpendStore['record']>[0]) => engine.spend.record(input),
  'spend.usage': (engine: SqliteEngine, rules: BudgetRule[], now: Date) => engine.spend.usage(rules, now),
  'spend.rollup': (engine: SqliteEngine, query: SpendRollupQuery) => engine.spend.rollup(query),
  'spend.renew': (engine: SqliteEngine, ids: string[], now: Date) => engine.spend.renew(ids, now),
  'spend.releaseAbandoned': (engine: SqliteEngine, holder: ReservationHolder) => engine.spend.releaseAbandoned(holder),
  /** The record as JSON text: cloning a parsed Response object across threads cost ~90 µs, the JSON text ~12. */
  'responses.put': (engine: SqliteEngine, row: StoredResponseRow) => engine.responses.putRow(row),
  'responses.get': (engine: SqliteEngine, id: string, scope: string, now: Date) => engine.responses.get(id, scope, now),
  'responses.chain': (engine: SqliteEngine, id: string, scope: string, now: Date) => engine.responses.chain(id, scope, now),
  'responses.delete': (engine: SqliteEngine, id: string, scope: string) => engine.responses.delete(id, scope),
  'responses.purgeExpired': (engine: SqliteEngine, now: Date) => engine.responses.purgeExpired(now),
  'cache.get': (engine: SqliteEngine, key: string, now: number) => engine.responseCache.get(key, now),
  'cache.put': (engine: SqliteEngine, key: string, value: string, expiresAt: number) => engine.responseCache.put(key, value, expiresAt),
};

/**
 * Writes nobody waits on that may share one transaction when they arrive in one message (the
 * stored responses of a few requests): one commit for all, instead of one each.
 */
export const batchedWrites: ReadonlySet<string> = new Set<keyof typeof sqliteOperations>(['responses.put']);

export type SqliteOperations = typeof sqliteOperations;
export type SqliteOperationName = keyof SqliteOperations;
/** The arguments of an operation, without the engine. */
export type SqliteOperationArgs<K extends SqliteOperationName> = Parameters<SqliteOperations[K]> extends [SqliteEngine, ...infer Rest] ? Rest : never;
export type SqliteOperationResult<K extends SqliteOperationName> = Awaited<ReturnType<SqliteOperations[K]>>;

/** An error as it crosses the thread boundary (class identity does not survive structured clone). */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  field?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const serialized: SerializedError = { name: error.name, message: error.message };
  const extra = error as { code?: unknown; field?: unknown };
  if (typeof extra.code === 'string') serialized.code = extra.code;
  if (typeof extra.field === 'string') serialized.field = extra.field;
  return serialized;
}

/** Requests main → worker (sent in batches: one message is an array of them). `deadline` (epoch ms): past it the worker skips the call; it also bounds the lock wait. */
export interface SqliteRequest {
  id: number;
  op: SqliteOperationName;
  args: unknown[];
  deadline: number;
}

/** Worker → main, also in batches (arrays). */
export type SqliteReply = { id: number; value: unknown } | { id: number; error: SerializedError } | { id: number; expired: true };
