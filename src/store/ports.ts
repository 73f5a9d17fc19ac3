import type { VirtualKeyStore } from './virtual-key-store.ts';
import type { SpendRollupQuery, SpendRollupRow, SpendStore } from './spend-store.ts';
import type { ResponseStore } from './response-store.ts';
import type { ResponseCacheStore } from './response-cache-store.ts';

/**
 * Storage ports. Every backend (SQLite now, Postgres later) implements the same
 * interfaces with the same file names, and one shared contract test suite runs against each
 * (`test/store-contract/run-store-contract.ts`; a backend runs it with one line).
 *
 * No call may block the event loop: a backend whose driver is synchronous runs it off the
 * main thread (SQLite: a worker thread), and a call that cannot get its answer (a lock, a
 * network partition) rejects within its deadline instead of waiting.
 */

/** The log's outcome vocabulary (also `outcome` in `GET /admin/logs`): every request gets exactly one of these. */
export type Outcome =
  | 'ok'
  | 'invalid_request'
  | 'rejected_auth'
  | 'rejected_model'
  | 'rejected_budget'
  | 'rejected_rate'
  | 'rejected_guardrail'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'client_disconnected'
  | 'gateway_error';

export interface AttemptRecord {
  provider: string;
  model: string;
  status: number | null;
  outcome: string;
  latencyMs: number;
  errorCode?: string;
  /** A hedged attempt that lost the race: what it cost as far as it got (estimated when the provider said nothing). */
  costMicros?: number;
  inputTokens?: number;
  outputTokens?: number;
  estimated?: boolean;
}

export interface RequestLogRow {
  requestId: string;
  startedAt: string;
  keyName: string | null;
  team: string | null;
  user: string | null;
  /** The inbound surface, e.g. `openai-responses`. */
  surface: string;
  endpoint: string;
  /** The model the client asked for. */
  model: string | null;
  servedModel: string | null;
  provider: string | null;
  stream: boolean;
  status: number;
  outcome: Outcome;
  errorCode: string | null;
  errorMessage: string | null;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** True when token counts were estimated (the provider reported none). */
  usageEstimated: boolean;
  costMicros: number;
  latencyMs: number;
  ttfbMs: number | null;
  attempts: AttemptRecord[];
  rule: string | null;
  warnings: string[];
  requestBody: string | null;
  responseBody: string | null;
  /** What the request said about itself (contract §2 `attribution`); absent means none. */
  attributes?: Record<string, string>;
  /** The request's own tags (`x-switchyard-tags`). */
  tags?: string[];
  /** The experiment alias and the variant that served (`strategy: experiment`). */
  experiment?: string | null;
  variant?: string | null;
  /** The response cache's verdict (docs/decisions/0012); absent means bypass. */
  cache?: 'hit' | 'miss' | 'bypass';
  /** A hit: what the answer cost when it was made (the hit itself costs nothing). */
  costSavedMicros?: number;
  /** Input cost saved by the provider's own prompt cache (cached tokens at the input rate minus their billed rate). */
  promptCacheSavedMicros?: number;
}

export interface LogQuery {
  key?: string;
  model?: string;
  outcome?: string;
  since?: string;
  limit?: number;
}

/** One experiment variant's numbers over the request log (`GET /admin/experiments`). */
export interface ExperimentStatsRow {
  experiment: string;
  variant: string;
  requests: number;
  /** Requests whose outcome was not `ok`. */
  errors: number;
  /** Distinct served models (a fallback may serve another variant's model). */
  servedModels: string[];
  avgLatencyMs: number;
  avgTtfbMs: number | null;
  costMicros: number;
  inputTokens: number;
  outputTokens: number;
}

export interface RequestLogStore {
  /** Queues a row; never throws and never waits. Rows are durable after `flush()` (called periodically and on shutdown). */
  append(row: RequestLogRow): void;
  /** Writes queued rows; when the store refuses them they are kept durably (spill file) and retried. Never rejects. */
  flush(): Promise<void>;
  query(filter: LogQuery): Promise<RequestLogRow[]>;
  /** Spend grouped from the log (requests that reached a provider). */
  rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]>;
  /** Per-variant numbers of `strategy: experiment` aliases since an instant (all time without). */
  experimentStats(query: { since?: string }): Promise<ExperimentStatsRow[]>;
}

/** What `/metrics` shows of a backend: its connection pool (network backends) and its outbox. */
export interface StorageStats {
  pool?: { total: number; idle: number; waiting: number };
  /** Log and ledger rows the store did not take yet (in the outbox / spill file, or in memory while it refuses writes). */
  outboxRows: number;
}

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  readonly logs: RequestLogStore;
  readonly keys: VirtualKeyStore;
  readonly spend: SpendStore;
  /** Stored Responses (`previous_response_id`, `GET`/`DELETE /v1/responses/{id}`). */
  readonly responses: ResponseStore;
  /** The exact response cache's shared table (docs/decisions/0012); a backend without one keeps the cache in memory. */
  readonly responseCache?: ResponseCacheStore;
  /** Resolves when the store takes writes now (for `/ready`); rejects when it is unreachable, locked or refusing writes. */
  ping(): Promise<void>;
  /** Pool use and outbox depth, read when `/metrics` is scraped. */
  stats?(): StorageStats;
  close(): Promise<void>;
}
