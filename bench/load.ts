/**
 * A bounded closed-loop load generator: C workers over an undici Pool of C keep-alive
 * connections, each sending the next request as soon as the previous response has ended.
 * A warm-up phase (not recorded) fills the connection pools and JIT caches of every process on
 * the path; the measured phase then runs for a fixed time (or a request limit). Latency is to
 * the end of the response body; time to first chunk is to the first body bytes (what a
 * streaming client sees as "the model started answering").
 */
import { Pool } from 'undici';
import { summarize, type Distribution } from './distribution.ts';

export interface LoadOptions {
  /** Full URL of the endpoint, e.g. `http://127.0.0.1:4141/v1/responses`. */
  url: string;
  body: Buffer;
  headers: Record<string, string>;
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
  /** Stop the measured phase after this many requests were started. */
  maxRequests?: number;
  /** Per-request bound for headers and for the gap between body chunks. */
  requestTimeoutMs?: number;
  expectStatus?: number;
  /** A response counts as an error unless its body contains this (a proof it is complete). */
  expectBodyIncludes?: string;
  /** Called right before and right after the measured phase (e.g. to read CPU counters). */
  beforeMeasure?: () => void | Promise<void>;
  afterMeasure?: () => void | Promise<void>;
}

export interface LoadResult {
  /** Successful responses in the measured phase. */
  requests: number;
  errors: number;
  /** The first few distinct error descriptions, verbatim (status and body start, or exception). */
  errorSamples: string[];
  /** True when the phase stopped early because most requests failed. */
  gaveUp: boolean;
  elapsedMs: number;
  requestsPerSecond: number;
  latencyMs: Distribution;
  firstChunkMs: Distribution;
  bytesReceived: number;
  /** CPU of this (load generator) process per successful request, for context. */
  clientCpuMicrosPerRequest: number;
  /** The raw samples (ms), so several runs of one cell can be merged before taking percentiles. */
  latencySamples: number[];
  firstChunkSamples: number[];
}

interface Recorder {
  latencies: number[];
  firstChunks: number[];
  errors: number;
  errorSamples: string[];
  bytes: number;
  started: number;
  gaveUp: boolean;
}

function newRecorder(): Recorder {
  return { latencies: [], firstChunks: [], errors: 0, errorSamples: [], bytes: 0, started: 0, gaveUp: false };
}

function recordError(recorder: Recorder, description: string): void {
  recorder.errors++;
  if (recorder.errorSamples.length < 5 && !recorder.errorSamples.includes(description)) recorder.errorSamples.push(description);
  // A target that fails every request would otherwise spin for the whole cell.
  if (recorder.errors >= 100 && recorder.errors > recorder.latencies.length) recorder.gaveUp = true;
}

async function sendOne(pool: Pool, path: string, options: LoadOptions, recorder: Recorder): Promise<void> {
  const timeout = options.requestTimeoutMs ?? 10_000;
  const started = performance.now();
  try {
    const response = await pool.request({
      path,
      method: 'POST',
      headers: options.headers,
      body: options.body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    let firstChunk = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) {
      if (firstChunk === 0) firstChunk = performance.now();
      chunks.push(chunk as Buffer);
    }
    const ended = performance.now();
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    recorder.bytes += body.length;
    if (response.statusCode !== (options.expectStatus ?? 200)) {
      recordError(recorder, `HTTP ${response.statusCode}: ${body.toString('utf8', 0, Math.min(body.length, 400))}`);
      return;
    }
    if (options.expectBodyIncludes !== undefined && !body.includes(options.expectBodyIncludes)) {
      recordError(recorder, `incomplete body (no ${options.expectBodyIncludes}): ${body.toString('utf8', 0, Math.min(body.length, 400))}`);
      return;
    }
    recorder.latencies.push(ended - started);
    recorder.firstChunks.push((firstChunk || ended) - started);
  } catch (error) {
    recordError(recorder, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

async function runPhase(pool: Pool, path: string, options: LoadOptions, durationMs: number, limit: number): Promise<{ recorder: Recorder; elapsedMs: number }> {
  const recorder = newRecorder();
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && recorder.started < limit && !recorder.gaveUp) {
      recorder.started++;
      await sendOne(pool, path, options, recorder);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  // In-flight requests at the deadline finish and count, so the window ends at the last one.
  return { recorder, elapsedMs: performance.now() - start };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const path = target.pathname + target.search;
  const pool = new Pool(target.origin, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  try {
    if ((options.warmupMs ?? 0) > 0) await runPhase(pool, path, options, options.warmupMs ?? 0, Number.POSITIVE_INFINITY);
    await options.beforeMeasure?.();
    const cpuBefore = process.cpuUsage();
    const { recorder, elapsedMs } = await runPhase(pool, path, options, options.durationMs, options.maxRequests ?? Number.POSITIVE_INFINITY);
    const cpu = process.cpuUsage(cpuBefore);
    await options.afterMeasure?.();
    const requests = recorder.latencies.length;
    return {
      requests,
      errors: recorder.errors,
      errorSamples: recorder.errorSamples,
      gaveUp: recorder.gaveUp,
      elapsedMs,
      requestsPerSecond: requests / (elapsedMs / 1000),
      latencyMs: summarize(recorder.latencies),
      firstChunkMs: summarize(recorder.firstChunks),
      bytesReceived: recorder.bytes,
      clientCpuMicrosPerRequest: requests > 0 ? (cpu.user + cpu.system) / requests : 0,
      latencySamples: recorder.latencies,
      firstChunkSamples: recorder.firstChunks,
    };
  } finally {
    // Bounded: a connection stuck on a misbehaving target is destroyed, not waited for.
    const closed = await Promise.race([pool.close().then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 2_000).unref())]);
    if (!closed) await pool.destroy().catch(() => undefined);
  }
}
