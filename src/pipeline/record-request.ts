import type { RequestLogRow, RequestLogStore } from '../store/ports.ts';
import { redactNullable } from '../observability/redact.ts';
import { findPricing, promptCacheSavedMicros } from '../observability/pricing.ts';
import type { RequestContext } from './request-context.ts';

/** Writes the one log row every request gets, rejected ones included. */
export function recordRequest(context: RequestContext, logs: RequestLogStore): RequestLogRow {
  const usage = context.usage;
  const row: RequestLogRow = {
    requestId: context.requestId,
    startedAt: context.startedAt.toISOString(),
    keyName: context.key?.name ?? null,
    team: context.key?.team ?? null,
    user: context.key?.user ?? null,
    surface: context.surface,
    endpoint: context.endpoint,
    model: context.model,
    servedModel: context.servedModel,
    provider: context.provider,
    stream: context.stream,
    status: context.status,
    outcome: context.outcome ?? 'gateway_error',
    errorCode: context.errorCode,
    errorMessage: redactNullable(context.errorMessage),
    inputTokens: usage?.inputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    usageEstimated: context.usageEstimated,
    costMicros: context.costMicros,
    latencyMs: context.elapsedMs(),
    ttfbMs: context.ttfbMs,
    attempts: context.attempts,
    rule: context.rule,
    warnings: context.warnings.list.map((warning) => `${warning.code}: ${warning.message}`),
    // Bodies are stored only when logging.bodies is on, and never with credentials in them.
    requestBody: redactNullable(context.requestBody),
    responseBody: redactNullable(context.responseBody),
    attributes: context.attribution.attributes,
    tags: context.attribution.tags,
    experiment: context.experiment,
    variant: context.variant,
    cache: context.cacheResult,
    costSavedMicros: context.costSavedMicros,
    promptCacheSavedMicros: usage && context.servedModel ? promptCacheSavedMicros(usage, findPricing(context.servedModel, context.pricing)) : 0,
  };
  logs.append(row);
  return row;
}
