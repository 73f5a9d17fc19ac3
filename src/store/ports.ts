import type { VirtualKeyStore } from './virtual-key-store.ts';
import type { SpendRollupQuery, SpendRollupRow, SpendStore } from './spend-store.ts';
import type { ResponseStore } from './response-store.ts';

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
}

export interface LogQuery {
  key?: string;
  model?: string;
  outcome?: string;
  since?: string;
  limit?: number;
}

export interface RequestLogStore {
  /** Queues a row; never throws and never waits. Rows are durable after `flush()` (called periodically and on shutdown). */
  append(row: RequestLogRow): void;
  /** Writes queued rows; when the store refuses them they are kept durably (spill file) and retried. Never rejects. */
  flush(): Promise<void>;
  query(filter: LogQuery): Promise<RequestLogRow[]>;
  /** Spend grouped from the log (requests that reached a provider). */
  rollup(query: SpendRollupQuery): Promise<SpendRollupRow[]>;
}

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  readonly logs: RequestLogStore;
  readonly keys: VirtualKeyStore;
  readonly spend: SpendStore;
  /** Stored Responses (`previous_response_id`, `GET`/`DELETE /v1/responses/{id}`). */
  readonly responses: ResponseStore;
  /** Resolves when the store takes writes now (for `/ready`); rejects when it is unreachable, locked or refusing writes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
