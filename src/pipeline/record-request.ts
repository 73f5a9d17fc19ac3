import type { RequestLogStore } from '../store/ports.ts';
import type { RequestContext } from './request-context.ts';

/** Writes the one log row every request gets, rejected ones included. */
export function recordRequest(context: RequestContext, logs: RequestLogStore): void {
  const usage = context.usage;
  logs.append({
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
    errorMessage: context.errorMessage,
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
    requestBody: context.requestBody,
    responseBody: context.responseBody,
  });
}
