import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../../core/errors.ts';
import { log } from '../../core/log.ts';
import { VirtualKeyConflictError } from '../virtual-key-store.ts';
import type { SerializedError, SqliteOperationArgs, SqliteOperationName, SqliteOperationResult, SqliteReply, SqliteRequest } from './sqlite-operations.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** How long a `lazy` call (a write nobody waits for) may wait for others to share its message. */
const LAZY_FLUSH_MS = 5;

/**
 * The main thread's handle on the storage worker (`sqlite-worker.ts`). Every call is a request
 * with a deadline: past it the promise rejects with `gateway_unavailable` (503, retryable)
 * whatever the worker is doing, so no caller waits on SQLite longer than it asked to. A worker
 * that dies is restarted on the next call.
 *
 * Calls travel in batches: the requests made during one turn of the event loop go in one
 * message (flushed by `setImmediate`), and a `lazy` call (a write whose caller does not wait on
 * it, e.g. a stored response) waits up to LAZY_FLUSH_MS for company. Waking the worker thread
 * costs far more than cloning a request (25–70 µs of CPU per round trip on the reference VM,
 * docs/performance.md), so under load one wake-up carries many calls.
 */
export class SqliteWorkerClient {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  private outbox: SqliteRequest[] = [];
  /** How the outbox will be flushed: at the next check phase, or by the lazy timer. */
  private flushing: { kind: 'soon' } | { kind: 'lazy'; timer: NodeJS.Timeout } | undefined;

  private constructor(
    private readonly path: string,
    private readonly maxBusyMs: number,
  ) {}

  /** Starts the worker and waits until it has opened and migrated the database (errors reject). */
  static async start(path: string, options: { maxBusyMs?: number } = {}): Promise<SqliteWorkerClient> {
    const client = new SqliteWorkerClient(path, options.maxBusyMs ?? 5_000);
    await client.spawn();
    return client;
  }

  /** `lazy`: the caller does not wait on the answer soon, so the request may wait LAZY_FLUSH_MS for a batch. */
  async call<K extends SqliteOperationName>(
    op: K,
    args: SqliteOperationArgs<K>,
    timeoutMs: number,
    options: { lazy?: boolean } = {},
  ): Promise<SqliteOperationResult<K>> {
    if (this.closing) throw new GatewayError({ code: 'gateway_unavailable', message: 'storage is closed', retryAfterSeconds: 1 });
    const worker = this.worker ?? (await this.spawn());
    const id = this.nextId++;
    const request: SqliteRequest = { id, op, args: args as unknown[], deadline: Date.now() + timeoutMs };
    return new Promise<SqliteOperationResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id)?.reject(unavailable(`storage did not answer ${op} within ${timeoutMs} ms (the database may be locked by another process)`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      // Keeps the process alive only while calls are outstanding.
      worker.ref();
      this.enqueue(request, options.lazy === true);
    });
  }

  private enqueue(request: SqliteRequest, lazy: boolean): void {
    this.outbox.push(request);
    if (this.flushing?.kind === 'soon') return;
    if (!lazy) {
      if (this.flushing) clearTimeout(this.flushing.timer);
      this.flushing = { kind: 'soon' };
      setImmediate(() => this.flush());
    } else if (!this.flushing) {
      this.flushing = { kind: 'lazy', timer: setTimeout(() => this.flush(), LAZY_FLUSH_MS) };
    }
  }

  private flush(): void {
    if (this.flushing?.kind === 'lazy') clearTimeout(this.flushing.timer);
    this.flushing = undefined;
    const batch = this.outbox;
    this.outbox = [];
    // A worker that exited meanwhile has already rejected these calls (see spawn's exit handler).
    if (batch.length > 0) this.worker?.postMessage(batch);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.flush();
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.on('message', (message: unknown) => {
        if (isRecord(message) && message['closed'] === true) void worker.terminate();
      });
      worker.ref();
      worker.postMessage('close');
    });
    this.worker = undefined;
  }

  private spawn(): Promise<Worker> {
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      const worker = createWorker({ path: this.path, maxBusyMs: this.maxBusyMs });
      let ready = false;
      worker.on('message', (message: SqliteReply[] | { ready: true } | { failed: SerializedError } | { closed: true }) => {
        if (Array.isArray(message)) {
          for (const reply of message) this.answer(reply);
        } else if ('ready' in message) {
          ready = true;
          this.worker = worker;
          this.starting = undefined;
          worker.unref();
          resolve(worker);
        } else if ('failed' in message) {
          reject(reviveError(message.failed));
        }
      });
      worker.on('error', (error) => {
        log.error('storage worker failed', error);
        if (!ready) reject(error);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        this.starting = undefined;
        if (!ready) reject(new Error(`storage worker exited with code ${code} before it was ready`));
        if (!this.closing) log.error(`storage worker exited (code ${code}); the next storage call starts a new one`);
        for (const id of [...this.pending.keys()]) this.settle(id)?.reject(unavailable('the storage worker stopped'));
      });
    });
    return this.starting;
  }

  private answer(message: SqliteReply): void {
    const pending = this.settle(message.id);
    if (!pending) return;
    if ('value' in message) pending.resolve(message.value);
    else if ('error' in message) pending.reject(reviveError(message.error));
    else pending.reject(unavailable('storage skipped a call whose deadline had passed'));
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (this.pending.size === 0) this.worker?.unref();
    return pending;
  }
}

/**
 * The worker runs compiled JavaScript in the package; from the TypeScript sources (tests, `tsx`)
 * it is started through tsx's loader, which a worker thread does not inherit.
 */
function createWorker(workerData: { path: string; maxBusyMs: number }): Worker {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./sqlite-worker${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function unavailable(message: string): GatewayError {
  return new GatewayError({ code: 'gateway_unavailable', message, retryAfterSeconds: 1 });
}

function reviveError(serialized: SerializedError): Error {
  if (serialized.name === 'VirtualKeyConflictError' && (serialized.field === 'name' || serialized.field === 'hash')) {
    return new VirtualKeyConflictError(serialized.field, serialized.message);
  }
  const Type = serialized.name === 'TypeError' ? TypeError : serialized.name === 'RangeError' ? RangeError : Error;
  const error = new Type(serialized.message) as Error & { code?: string };
  if (serialized.code !== undefined) error.code = serialized.code;
  return error;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
