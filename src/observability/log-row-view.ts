import type { AttemptRecord, RequestLogRow } from '../store/ports.ts';
import type { SpendRollupRow } from '../store/spend-store.ts';
import { microsToUsd } from './pricing.ts';
import { redactNullable } from './redact.ts';

/** A request log row as the admin API shows it: snake_case, money in dollars. */
export interface LogRowView {
  request_id: string;
  started_at: string;
  key_name: string | null;
  team: string | null;
  user: string | null;
  surface: string;
  endpoint: string;
  model: string | null;
  served_model: string | null;
  provider: string | null;
  stream: boolean;
  status: number;
  outcome: string;
  error_code: string | null;
  error_message: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  usage_estimated: boolean;
  cost_usd: number;
  latency_ms: number;
  ttfb_ms: number | null;
  attempts: Array<{ provider: string; model: string; status: number | null; outcome: string; latency_ms: number; error_code: string | null }>;
  rule: string | null;
  attributes: Record<string, string>;
  tags: string[];
  experiment: string | null;
  variant: string | null;
  /** The response cache: hit | miss | bypass; a hit's saved cost; input cost saved by the provider's prompt cache. */
  cache: 'hit' | 'miss' | 'bypass';
  cost_saved_usd: number;
  prompt_cache_saved_usd: number;
  warnings: string[];
  /** Only when asked for (`bodies=true`) and body logging was on. */
  request_body?: string | null;
  response_body?: string | null;
}

/** One `/admin/spend` group. */
export interface SpendRowView {
  group: string;
  cost_usd: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  /** The part of cost_usd priced from estimated token counts. */
  estimated_cost_usd: number;
}

/**
 * Free text that may quote a caller or an upstream (error message, warnings, bodies) is
 * redacted again on the way out, so a row written before redaction was wired cannot leak.
 */
export function viewOfLogRow(row: RequestLogRow, options: { bodies?: boolean } = {}): LogRowView {
  const view: LogRowView = {
    request_id: row.requestId,
    started_at: row.startedAt,
    key_name: row.keyName,
    team: row.team,
    user: row.user,
    surface: row.surface,
    endpoint: row.endpoint,
    model: row.model,
    served_model: row.servedModel,
    provider: row.provider,
    stream: row.stream,
    status: row.status,
    outcome: row.outcome,
    error_code: row.errorCode,
    error_message: redactNullable(row.errorMessage),
    input_tokens: row.inputTokens,
    cached_input_tokens: row.cachedInputTokens,
    cache_write_tokens: row.cacheWriteTokens,
    output_tokens: row.outputTokens,
    reasoning_tokens: row.reasoningTokens,
    usage_estimated: row.usageEstimated,
    cost_usd: microsToUsd(row.costMicros),
    latency_ms: row.latencyMs,
    ttfb_ms: row.ttfbMs,
    attempts: row.attempts.map(viewOfAttempt),
    rule: row.rule,
    attributes: row.attributes ?? {},
    tags: row.tags ?? [],
    experiment: row.experiment ?? null,
    variant: row.variant ?? null,
    cache: row.cache ?? 'bypass',
    cost_saved_usd: microsToUsd(row.costSavedMicros ?? 0),
    prompt_cache_saved_usd: microsToUsd(row.promptCacheSavedMicros ?? 0),
    warnings: row.warnings.map((warning) => redactNullable(warning) ?? ''),
  };
  if (options.bodies) {
    view.request_body = redactNullable(row.requestBody);
    view.response_body = redactNullable(row.responseBody);
  }
  return view;
}

function viewOfAttempt(attempt: AttemptRecord): LogRowView['attempts'][number] {
  return {
    provider: attempt.provider,
    model: attempt.model,
    status: attempt.status,
    outcome: attempt.outcome,
    latency_ms: attempt.latencyMs,
    error_code: attempt.errorCode ?? null,
  };
}

export function viewOfSpendRow(row: SpendRollupRow): SpendRowView {
  return {
    group: row.group,
    cost_usd: microsToUsd(row.costMicros),
    requests: row.requests,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    estimated_cost_usd: microsToUsd(row.estimatedMicros),
  };
}
