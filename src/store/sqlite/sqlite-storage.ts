import { QueuedRequestLogStore } from '../queued-request-log-store.ts';
import { GatewayError } from '../../core/errors.ts';
import type { RequestLogStore, Storage, StorageStats } from '../ports.ts';
import type { SpendRollupQuery, SpendRollupRow, SpendStore } from '../spend-store.ts';
import type { VirtualKeyPatch, VirtualKeyRecord, VirtualKeyStore } from '../virtual-key-store.ts';
import { WriteBehindQueue } from '../write-behind-queue.ts';
import type { ResponseStore, StoredResponse } from '../response-store.ts';
import type { QueuedRow } from './sqlite-operations.ts';
import type { ResponseCacheStore } from '../response-cache-store.ts';
import { SqliteWorkerClient } from './sqlite-worker-client.ts';
import { storedResponseRow } from './response-store.ts';

export interface SqliteStorageOptions {
  /** Deadline of a call on the request path (keys, budgets) [2 s]. */
  callTimeoutMs?: number;
  /** How long `/ready` waits for the write lock before saying the store is not ready [1.5 s]. */
  readyTimeoutMs?: number;
  /** Longest wait for another process's write lock inside the worker [5 s]. */
  maxBusyMs?: number;
}

/** Deadline of admin reads and of one queued batch (neither is on the request path). */
const slowCallMs = 10_000;

/**
 * SQLite storage. One worker thread owns the connection (`sqlite-worker.ts`), so a lock held by
 * another process stalls that thread, never the event loop. Log rows and the ledger rows of
 * unbudgeted attempts go through a write-behind queue with a spill file beside the database
 * (`<db>-spill.jsonl`); budget and key calls are messages with a deadline.
 */
export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly logs: RequestLogStore;
  readonly keys: VirtualKeyStore;
  readonly spend: SpendStore;
  readonly responses: ResponseStore;
  readonly responseCache: ResponseCacheStore;
  private readonly queue: WriteBehindQueue<QueuedRow>;
  private readonly readyTimeoutMs: number;

  private constructor(
    private readonly client: SqliteWorkerClient,
    path: string,
    options: SqliteStorageOptions,
  ) {
    const callMs = options.callTimeoutMs ?? 2_000;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 1_500;
    this.queue = new WriteBehindQueue<QueuedRow>({
      name: 'storage',
      // A batch waits at most 2 s for the write lock, so the worker stays free for budget calls.
      // As JSON text, like the spill file keeps them: cheaper to move across threads than a clone.
      write: (rows) => client.call('appendQueued', [JSON.stringify(rows)], 2_000),
      ...(path === ':memory:' ? {} : { spillPath: `${path}-spill.jsonl` }),
    });
    this.logs = new QueuedRequestLogStore(
      {
        query: (filter) => client.call('logs.query', [filter], slowCallMs),
        rollup: (query) => client.call('logs.rollup', [query], slowCallMs),
        experimentStats: (query) => client.call('logs.experimentStats', [query], slowCallMs),
      },
      this.queue,
    );
    this.keys = new WorkerVirtualKeyStore(client, callMs);
    this.spend = new WorkerSpendStore(client, this.queue, callMs);
    this.responses = new WorkerResponseStore(client, callMs);
    // A cache read is worth at most a short wait: past it the request is a miss and goes upstream.
    this.responseCache = {
      get: (key, now) => client.call('cache.get', [key, now], Math.min(callMs, 500)),
      put: (key, value, expiresAt) => client.call('cache.put', [key, value, expiresAt], slowCallMs),
    };
  }

  /** Opens (creating and migrating) the database in its worker; rejects when it cannot. */
  static async open(path: string, options: SqliteStorageOptions = {}): Promise<SqliteStorage> {
    const client = await SqliteWorkerClient.start(path, options.maxBusyMs === undefined ? {} : { maxBusyMs: options.maxBusyMs });
    return new SqliteStorage(client, path, options);
  }

  /** Ready means writes go through now: queued rows are being written and the write lock can be had. */
  async ping(): Promise<void> {
    if (this.queue.failing) {
      throw new GatewayError({
        code: 'gateway_unavailable',
        message: `storage has refused writes for ${Date.now() - this.queue.failingSince!} ms`,
        retryAfterSeconds: 1,
      });
    }
    await this.client.call('probeWrite', [], this.readyTimeoutMs);
  }

  /** The spill file is this backend's outbox. */
  stats(): StorageStats {
    return { outboxRows: this.queue.depth };
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.client.close();
  }
}

class WorkerVirtualKeyStore implements VirtualKeyStore {
  constructor(
    private readonly client: SqliteWorkerClient,
    private readonly callMs: number,
  ) {}

  create(record: VirtualKeyRecord): Promise<void> {
    return this.client.call('keys.create', [record], this.callMs);
  }
  findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    return this.client.call('keys.findByHash', [hash], this.callMs);
  }
  list(): Promise<VirtualKeyRecord[]> {
    return this.client.call('keys.list', [], slowCallMs);
  }
  get(name: string): Promise<VirtualKeyRecord | undefined> {
    return this.client.call('keys.get', [name], this.callMs);
  }
  update(name: string, patch: VirtualKeyPatch): Promise<VirtualKeyRecord | undefined> {
    return this.client.call('keys.update', [name, patch], this.callMs);
  }
  revoke(name: string, at: Date): Promise<VirtualKeyRecord | undefined> {
    return this.client.call('keys.revoke', [name, at], this.callMs);
  }
  hasAny(): Promise<boolean> {
    return this.client.call('keys.hasAny', [], this.callMs);
  }
}

class WorkerSpendStore implements SpendStore {
  constructor(
    private readonly client: SqliteWorkerClient,
    private readonly queue: WriteBehindQueue<QueuedRow>,
    private readonly callMs: number,
  ) {}

  async reserve(input: Parameters<SpendStore['reserve']>[0]): ReturnType<SpendStore['reserve']> {
    try {
      return await this.client.call('spend.reserve', [input], this.callMs);
    } catch (error) {
      // Timed out: the worker may still make the reservation after we gave up on it. The release
      // queued behind it undoes that (a release of an unknown id is a no-op).
      if (error instanceof GatewayError && error.code === 'gateway_unavailable') void this.release(input.reservationId).catch(() => undefined);
      throw error;
    }
  }
  settle(input: Parameters<SpendStore['settle']>[0]): ReturnType<SpendStore['settle']> {
    return this.client.call('spend.settle', [input], this.callMs);
  }
  release(reservationId: string): Promise<boolean> {
    return this.client.call('spend.release', [reservationId], slowCallMs);
  }
  async record(input: Parameters<SpendStore['record']>[0]): ReturnType<SpendStore['record']> {
    // No budget counts it: the ledger row joins the write-behind queue (durable via the spill file).
    if (input.rules.length === 0) {
      this.queue.push({ kind: 'ledger', entry: input.entry });
      return { settled: true, crossed: [] };
    }
    return this.client.call('spend.record', [input], this.callMs);
  }
  async usage(...args: Parameters<SpendStore['usage']>): ReturnType<SpendStore['usage']> {
    return this.client.call('spend.usage', args, this.callMs);
  }
  async rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    await this.queue.flush();
    return this.client.call('spend.rollup', [query], slowCallMs);
  }
  renew(reservationIds: string[], now: Date): Promise<number> {
    return this.client.call('spend.renew', [reservationIds, now], slowCallMs);
  }
  releaseAbandoned(holder: Parameters<SpendStore['releaseAbandoned']>[0]): Promise<number> {
    return this.client.call('spend.releaseAbandoned', [holder], slowCallMs);
  }
}

class WorkerResponseStore implements ResponseStore {
  constructor(
    private readonly client: SqliteWorkerClient,
    private readonly callMs: number,
  ) {}

  /** Off the answer's path (the turn is written while the client reads it): the slow deadline. */
  put(record: StoredResponse): Promise<void> {
    // As the row's texts: a clone of a few strings, where a parsed Response object cost ~7× a JSON copy
    // (and the JSON copy a parse and two re-serializations in the worker).
    return this.client.call('responses.put', [storedResponseRow(record)], slowCallMs, { lazy: true });
  }
  get(id: string, scope: string, now: Date): Promise<StoredResponse | undefined> {
    return this.client.call('responses.get', [id, scope, now], this.callMs);
  }
  chain(id: string, scope: string, now: Date): Promise<StoredResponse[] | undefined> {
    return this.client.call('responses.chain', [id, scope, now], this.callMs);
  }
  delete(id: string, scope: string): Promise<boolean> {
    return this.client.call('responses.delete', [id, scope], this.callMs);
  }
  purgeExpired(now: Date): Promise<number> {
    return this.client.call('responses.purgeExpired', [now], slowCallMs);
  }
}
