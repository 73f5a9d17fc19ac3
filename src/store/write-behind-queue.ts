import { existsSync, readFileSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { log } from '../core/log.ts';

export interface WriteBehindQueueOptions<T> {
  /** Named in log lines, e.g. `request log`. */
  name: string;
  /** Writes one batch; rejects when the store cannot take it (locked, down). Must be idempotent. */
  write: (items: T[]) => Promise<void>;
  /** JSONL file that keeps rows the store could not take; absent = memory only (`:memory:` stores). */
  spillPath?: string;
  /** Rows per write [200]. */
  batchSize?: number;
  /** How long a row may wait for its batch [100 ms]. */
  intervalMs?: number;
  /** Rows kept in memory before they go to the spill file (or, without one, the oldest are dropped) [10,000]. */
  maxQueued?: number;
  /** Longest wait between two retries of a failing store [5 s]. */
  maxBackoffMs?: number;
}

/**
 * Rows the request path hands over and forgets: written in batches by a timer, never on the
 * caller's stack, and never thrown from a timer. When the store refuses a batch (another
 * process holds the write lock, the disk is gone), the error is logged, the queued rows are
 * appended to a durable spill file (fsynced JSONL next to the database) and the write is
 * retried with exponential backoff; the first write that succeeds replays the spill file first
 * (also at the next start, when a process died with rows spilled). Replays may repeat rows the
 * store already holds, so `write` must be idempotent.
 */
export class WriteBehindQueue<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<boolean> | undefined;
  private next: Promise<boolean> | undefined;
  private fileLane: Promise<unknown> = Promise.resolve();
  private failures = 0;
  /** A flush or close waits: drains write until the queue is empty. */
  private flushWanted = false;
  private closed = false;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly maxQueued: number;
  private readonly maxBackoffMs: number;
  /** Rows in the spill file, not yet replayed (counted at start and after each replay). */
  private spilledRows = 0;
  /** Since when writes have been failing (undefined while healthy). */
  failingSince: number | undefined;

  constructor(private readonly options: WriteBehindQueueOptions<T>) {
    this.batchSize = options.batchSize ?? 200;
    this.intervalMs = options.intervalMs ?? 100;
    this.maxQueued = options.maxQueued ?? 10_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    // Rows a previous run could not write are replayed as soon as the store answers.
    if (this.hasSpill()) {
      this.spilledRows = this.countSpilled();
      this.schedule(0);
    }
  }

  get failing(): boolean {
    return this.failingSince !== undefined;
  }

  /** Rows waiting in memory (spilled ones not included). */
  get pending(): number {
    return this.queue.length;
  }

  /** Rows the store did not take: kept in the spill file, plus those waiting in memory while it refuses (the outbox depth). */
  get depth(): number {
    return this.spilledRows + (this.failing ? this.queue.length : 0);
  }

  push(item: T): void {
    this.queue.push(item);
    if (this.queue.length > this.maxQueued) void this.spillQueued();
    // While failing, the retry timer is already set.
    if (this.failing || this.closed) return;
    this.schedule(this.queue.length >= this.batchSize ? 0 : this.intervalMs);
  }

  /** Writes everything queued (and spilled). Resolves when it is in the store or in the spill file; never rejects. */
  async flush(): Promise<void> {
    this.flushWanted = true;
    await this.drain();
  }

  /** A final flush; rows the store cannot take stay in the spill file for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    this.flushWanted = true;
    await this.drain();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length > 0) log.error(`${this.options.name}: ${this.queue.length} rows could not be written and there is no spill file; they are lost`);
  }

  /** One drain at a time; callers during a drain share the one that follows it. */
  private drain(): Promise<boolean> {
    if (!this.current) {
      this.current = this.drainOnce().finally(() => {
        this.current = undefined;
      });
      return this.current;
    }
    this.next ??= this.current.then(() => {
      this.next = undefined;
      return this.drain();
    });
    return this.next;
  }

  private async drainOnce(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let batch: T[] = [];
    try {
      // Spilled rows are older than the queued ones: they go first.
      if (this.hasSpill()) await this.replaySpill();
      // The rows queued now are this drain's. Rows pushed while it writes wait for their own
      // interval (or a full batch), unless a flush wants everything: chasing each new row with a
      // write of its own turned one batch per interval into one per round trip under load.
      let owed = this.queue.length;
      while (this.queue.length > 0 && (owed > 0 || this.flushWanted || this.queue.length >= this.batchSize)) {
        batch = this.queue.splice(0, this.batchSize);
        owed -= batch.length;
        await this.options.write(batch);
        batch = [];
      }
      if (this.queue.length === 0) this.flushWanted = false;
      if (this.failing) log.info(`${this.options.name}: the store takes writes again after ${Date.now() - this.failingSince!} ms`);
      this.failingSince = undefined;
      this.failures = 0;
      // Rows spilled while this drain ran (memory overflow) are replayed by the next one.
      if (this.hasSpill() && !this.closed) this.schedule(0);
      else if (this.queue.length > 0 && !this.closed) this.schedule(this.intervalMs);
      return true;
    } catch (error) {
      this.queue.unshift(...batch);
      this.failures++;
      this.failingSince ??= Date.now();
      const delay = Math.min(this.maxBackoffMs, 100 * 2 ** Math.min(this.failures - 1, 16));
      const kept = this.options.spillPath ? 'kept in the spill file' : 'kept in memory';
      log.warn(
        `${this.options.name}: the store refused a write (${describe(error)}); ${this.queue.length} queued rows ${kept}, retry ${this.failures} in ${delay} ms`,
      );
      await this.spillQueued();
      if (!this.closed) this.schedule(delay, { replace: true, unref: this.options.spillPath !== undefined });
      return false;
    }
  }

  private schedule(delayMs: number, options: { replace?: boolean; unref?: boolean } = {}): void {
    if (this.timer) {
      if (delayMs > 0 && !options.replace) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, delayMs);
    // A spilled row is durable: a retry timer alone need not keep the process alive.
    if (options.unref) this.timer.unref();
  }

  private hasSpill(): boolean {
    const path = this.options.spillPath;
    return path !== undefined && (existsSync(path) || existsSync(replayingPath(path)));
  }

  /** Moves the queued rows to the spill file (fsynced). Without one, keeps at most `maxQueued`, dropping the oldest. */
  private async spillQueued(): Promise<void> {
    const path = this.options.spillPath;
    if (path === undefined) {
      const excess = this.queue.length - this.maxQueued;
      if (excess > 0) {
        this.queue.splice(0, excess);
        log.error(`${this.options.name}: ${excess} rows dropped (the store is failing and there is no spill file)`);
      }
      return;
    }
    const items = this.queue;
    this.queue = [];
    if (items.length === 0) return;
    try {
      await this.onFileLane(async () => {
        const file = await open(path, 'a', 0o600);
        try {
          await file.appendFile(items.map((item) => `${JSON.stringify(item)}\n`).join(''));
          await file.datasync();
        } finally {
          await file.close();
        }
      });
      this.spilledRows += items.length;
    } catch (error) {
      this.queue.unshift(...items);
      log.error(`${this.options.name}: could not write the spill file ${path} (${describe(error)}); ${this.queue.length} rows stay in memory`);
    }
  }

  /**
   * Writes the spill file to the store. The file is first renamed aside, so rows spilled during
   * the replay start a new file; the renamed one is removed only after every row was written.
   */
  private async replaySpill(): Promise<void> {
    const path = this.options.spillPath!;
    const replaying = replayingPath(path);
    await this.onFileLane(async () => {
      if (!existsSync(replaying) && existsSync(path)) await rename(path, replaying);
    });
    if (!existsSync(replaying)) return;
    const items: T[] = [];
    let unreadable = 0;
    for (const line of (await readFile(replaying, 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      try {
        items.push(JSON.parse(line) as T);
      } catch {
        // A line cut short by a crash mid-append.
        unreadable++;
      }
    }
    for (let start = 0; start < items.length; start += this.batchSize) await this.options.write(items.slice(start, start + this.batchSize));
    await this.onFileLane(async () => {
      await rm(replaying, { force: true });
      this.spilledRows = this.countSpilled();
    });
    log.info(`${this.options.name}: replayed ${items.length} spilled rows${unreadable > 0 ? ` (${unreadable} unreadable lines skipped)` : ''}`);
  }

  /** Lines in the spill files (a cold path: at start and after a replay). */
  private countSpilled(): number {
    const path = this.options.spillPath;
    if (path === undefined) return 0;
    let lines = 0;
    for (const file of [path, replayingPath(path)]) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim() !== '') lines++;
    }
    return lines;
  }

  private onFileLane<R>(operation: () => Promise<R>): Promise<R> {
    const run = this.fileLane.then(operation, operation);
    this.fileLane = run.catch(() => undefined);
    return run;
  }
}

function replayingPath(spillPath: string): string {
  return `${spillPath}.replaying`;
}

function describe(error: unknown): string {
  if (error instanceof Error) return 'code' in error && error.code ? `${String(error.code)}: ${error.message}` : error.message;
  return String(error);
}
