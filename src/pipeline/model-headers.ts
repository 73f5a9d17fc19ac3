import type { RequestContext } from './request-context.ts';

/**
 * The `x-switchyard-*` headers on model calls (README, Endpoints), known before the body is sent. No upstream header is
 * copied, so an `openai-model` header differing from the requested model can never leak.
 */
export function modelHeaders(context: RequestContext, fallbackCount: number): Record<string, string> {
  const headers: Record<string, string> = {
    'x-request-id': context.requestId,
    'x-switchyard-provider': context.provider ?? '',
    'x-switchyard-model': context.servedModel ?? '',
    'x-switchyard-fallback-count': String(fallbackCount),
    'x-switchyard-cache': context.cacheResult,
  };
  if (!context.stream) {
    // Known only for complete (non-streaming) answers; streams report them in the log.
    headers['x-switchyard-cost-usd'] = (context.price() / 1_000_000).toFixed(6);
    headers['x-switchyard-latency-ms'] = String(Math.round(context.elapsedMs()));
  }
  // Experiment variant names come from config (decision 0014).
  if (context.variant !== null) headers['x-switchyard-variant'] = context.variant;
  if (context.warnings.size > 0) {
    headers['x-switchyard-warnings'] = context.warnings.list.map((warning) => warning.code).join(',');
  }
  return headers;
}
