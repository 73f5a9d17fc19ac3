import { QueuedRequestLogStore, type QueuedStorageRow } from '../queued-request-log-store.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { GatewayError } from '../../core/errors.ts';
import type { RequestLogRow, RequestLogStore, Storage, StorageStats } from '../ports.ts';
import type { ResponseCacheStore } from '../response-cache-store.ts';
import type { ResponseStore } from '../response-store.ts';
import type { SpendLedgerEntry, SpendRollupQuery, SpendRollupRow, SpendStore } from '../spend-store.ts';
import type { VirtualKeyStore } from '../virtual-key-store.ts';
import { WriteBehindQueue } from '../write-behind-queue.ts';
import { migratePostgres } from './migrations.ts';
import { checkReachable, createPool, type PostgresPoolOptions } from './open-pool.ts';
import { PostgresRequestLogStore } from './request-log-store.ts';
import { PostgresResponseCacheTable } from './response-cache-table.ts';
import { PostgresResponseStore } from './response-store.ts';
import { PostgresSpendLedger } from './spend-ledger.ts';
import { PostgresSpendStore, type PostgresSpendStoreOptions } from './spend-store.ts';
import { inTransaction } from './transaction.ts';
import { PostgresVirtualKeyStore } from './virtual-key-store.ts';

export type QueuedPostgresRow = QueuedStorageRow;

export interface PostgresStorageOptions extends PostgresPoolOptions, PostgresSpendStoreOptions {
  /** Directory of the outbox file (rows Postgres could not take, replayed in order when it answers again). */
  outboxDir: string;
  /** Names the outbox file, so instances sharing a directory keep separate ones [`default`]. */
  instanceId?: string;
  /** How long `/ready` waits for Postgres [1.5 s]. */
  readyTimeoutMs?: number;
}

/**
 * Postgres storage: one pool (`pg`) shared by the stores. Log rows and the ledger rows of
 * unbudgeted attempts go through the write-behind queue: one transaction per batch, with a
 * multi-row INSERT per table. While Postgres is unreachable the queue keeps them in a durable
 * outbox (`<outbox_dir>/outbox-<instance>.jsonl`, fsynced) and replays it first, in order, once
 * Postgres answers; both inserts are idempotent by row id, so a replay never writes twice.
 */
export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  readonly logs: RequestLogStore;
  readonly keys: VirtualKeyStore;
  readonly spend: SpendStore;
  readonly responses: ResponseStore;
  readonly responseCache: ResponseCacheStore;
  private readonly queue: WriteBehindQueue<QueuedPostgresRow>;
  private readonly readyTimeoutMs: number;

  private constructor(
    private readonly pool: Pool,
    options: PostgresStorageOptions,
  ) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 1_500;
    mkdirSync(options.outboxDir, { recursive: true });
    this.queue = new WriteBehindQueue<QueuedPostgresRow>({
      name: 'storage (postgres)',
      write: (rows) => writeQueued(pool, rows),
      spillPath: outboxPath(options.outboxDir, options.instanceId),
    });
    this.logs = new QueuedRequestLogStore(new PostgresRequestLogStore(pool), this.queue);
    this.keys = new PostgresVirtualKeyStore(pool);
    this.spend = new QueuedSpendStore(new PostgresSpendStore(pool, options), this.queue);
    this.responses = new PostgresResponseStore(pool);
    this.responseCache = new PostgresResponseCacheTable(pool);
  }

  /** Connects, migrates (unless told not to) and answers the storage; a ConfigError says what is wrong with the database. */
  static async open(url: string, options: PostgresStorageOptions): Promise<PostgresStorage> {
    const pool = createPool(url, options);
    try {
      await checkReachable(pool, url);
      await migratePostgres(pool);
      return new PostgresStorage(pool, options);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  async ping(): Promise<void> {
    if (this.queue.failing) {
      throw new GatewayError({
        code: 'gateway_unavailable',
        message: `storage has refused writes for ${Date.now() - this.queue.failingSince!} ms`,
        retryAfterSeconds: 1,
      });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.pool.query('SELECT 1'),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.readyTimeoutMs} ms`)), this.readyTimeoutMs);
        }),
      ]);
    } catch (error) {
      throw new GatewayError({
        code: 'gateway_unavailable',
        message: `Postgres does not answer: ${(error as Error).message}`,
        retryAfterSeconds: 1,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  stats(): StorageStats {
    return { pool: { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount }, outboxRows: this.queue.depth };
  }

  /** A final flush (rows Postgres cannot take stay in the outbox for the next start), then the pool closes. */
  async close(): Promise<void> {
    await this.queue.close();
    await this.pool.end();
  }
}

/** One outbox file per instance; the id is reduced to characters every file system takes. */
export function outboxPath(directory: string, instanceId = 'default'): string {
  return join(directory, `outbox-${instanceId.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`);
}

/** One batch: its log rows and its ledger rows, each one multi-row INSERT, in one transaction. */
async function writeQueued(pool: Pool, rows: QueuedPostgresRow[]): Promise<void> {
  const logs: RequestLogRow[] = [];
  const ledger: SpendLedgerEntry[] = [];
  for (const item of rows) {
    if (item.kind === 'log') logs.push(item.row);
    else ledger.push(item.entry);
  }
  await inTransaction(pool, async (client) => {
    await PostgresRequestLogStore.insertBatch(client, logs);
    await PostgresSpendLedger.append(client, ledger);
  });
}

/** The spend store, with the ledger rows of unbudgeted attempts written behind. */
class QueuedSpendStore implements SpendStore {
  constructor(
    private readonly store: PostgresSpendStore,
    private readonly queue: WriteBehindQueue<QueuedPostgresRow>,
  ) {}

  reserve(input: Parameters<SpendStore['reserve']>[0]): ReturnType<SpendStore['reserve']> {
    return this.store.reserve(input);
  }
  settle(input: Parameters<SpendStore['settle']>[0]): ReturnType<SpendStore['settle']> {
    return this.store.settle(input);
  }
  release(reservationId: string): Promise<boolean> {
    return this.store.release(reservationId);
  }
  async record(input: Parameters<SpendStore['record']>[0]): ReturnType<SpendStore['record']> {
    // No budget counts it: the ledger row joins the write-behind queue (durable via the outbox).
    if (input.rules.length === 0) {
      this.queue.push({ kind: 'ledger', entry: input.entry });
      return { settled: true, crossed: [] };
    }
    return this.store.record(input);
  }
  usage(...args: Parameters<SpendStore['usage']>): ReturnType<SpendStore['usage']> {
    return this.store.usage(...args);
  }
  async rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    await this.queue.flush();
    return this.store.rollup(query);
  }
  renew(reservationIds: string[], now: Date): Promise<number> {
    return this.store.renew(reservationIds, now);
  }
  releaseAbandoned(holder: Parameters<SpendStore['releaseAbandoned']>[0]): Promise<number> {
    return this.store.releaseAbandoned(holder);
  }
}
