import type { ServerResponse } from 'node:http';
import type { TargetConfig } from '../config/runtime-config.ts';
import { isGatewayError } from '../core/errors.ts';
import type { RequestSpan } from '../observability/tracing.ts';
import type { RequestFeatures } from '../routing/request-features.ts';
import { runAttemptLoop, type AttemptFunction } from './attempt-loop.ts';
import type { GatewayRuntime } from './gateway-runtime.ts';
import type { RequestContext } from './request-context.ts';

/**
 * The attempt loop as every model call (and embeddings call) runs it: over the snapshot's router
 * and providers, committed once the client has headers, each attempt a child span of the request
 * ending with its status or error code, and the last attempt's fallback count kept on the context
 * (the metrics and the span report it). Not async and takes its arguments positionally: it hands
 * back the loop's own promise, so the hot path pays no await or allocation for it.
 */
export function runTracedAttempts(
  runtime: GatewayRuntime,
  context: RequestContext,
  plan: TargetConfig[],
  features: RequestFeatures,
  signal: AbortSignal,
  response: ServerResponse,
  span: RequestSpan,
  forward: AttemptFunction,
  hedge: { afterMs: number; inputBytes: number } | undefined,
): Promise<void> {
  return runAttemptLoop({
    context,
    router: runtime.router,
    providers: runtime.providers,
    plan,
    features,
    signal,
    committed: () => response.headersSent,
    ...(hedge ? { hedge } : {}),
    attempt: async (provider, target, fallbackCount, lane) => {
      context.fallbacks = fallbackCount;
      const attemptSpan = span.startAttempt(provider.config.name, target.model);
      try {
        await forward(provider, target, fallbackCount, lane);
        attemptSpan.end((lane?.context ?? context).status);
      } catch (error) {
        attemptSpan.end(isGatewayError(error) ? error.status : null, { code: isGatewayError(error) ? error.code : 'gateway_internal' });
        throw error;
      }
    },
  });
}
