import type { ExperimentStatsRow, LogQuery, RequestLogRow, RequestLogStore } from './ports.ts';
import type { SpendLedgerEntry, SpendRollupQuery, SpendRollupRow } from './spend-store.ts';
import type { WriteBehindQueue } from './write-behind-queue.ts';

/** A queued row of a storage's write-behind queue: a log row or an unbudgeted ledger entry. */
export type QueuedStorageRow = { kind: 'log'; row: RequestLogRow } | { kind: 'ledger'; entry: SpendLedgerEntry };

/** The reads of a request log, whatever answers them (a worker thread, a pool). */
export type RequestLogReads = Pick<RequestLogStore, 'query' | 'rollup' | 'experimentStats'>;

/**
 * The request log of a storage facade (SQLite, Postgres): rows go to the write-behind queue;
 * every read first flushes it, so a reader sees what was appended before it asked.
 */
export class QueuedRequestLogStore implements RequestLogStore {
  constructor(
    private readonly reads: RequestLogReads,
    private readonly queue: WriteBehindQueue<QueuedStorageRow>,
  ) {}

  append(row: RequestLogRow): void {
    this.queue.push({ kind: 'log', row });
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  async query(filter: LogQuery): Promise<RequestLogRow[]> {
    await this.queue.flush();
    return this.reads.query(filter);
  }

  async rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]> {
    await this.queue.flush();
    return this.reads.rollup(query);
  }

  async experimentStats(query: { since?: string }): Promise<ExperimentStatsRow[]> {
    await this.queue.flush();
    return this.reads.experimentStats(query);
  }
}
