import { log } from '../core/log.ts';
import type { RequestSpan } from '../observability/tracing.ts';
import type { RateLimitTicket } from '../policy/rate-limit/rate-limiter.ts';
import type { Gateway } from './gateway.ts';
import { recordRequest } from './record-request.ts';
import type { RequestContext } from './request-context.ts';

/**
 * The close every model call (and embeddings call) shares once its answer is over, however it
 * ended, after `context.price()`: the rate-limit ticket settles to the tokens used and lets go (in
 * the background), the one log row is written, and the request's metrics and span are closed.
 * Synchronous and takes its arguments positionally, so the hot path pays no await or allocation
 * for it; the caller then settles its budget reservation and releases its config snapshot.
 */
export function finishRequest(gateway: Gateway, context: RequestContext, ticket: RateLimitTicket | undefined, span: RequestSpan): void {
  const fallbacks = context.fallbacks;
  if (ticket) {
    const used = context.usage ? context.usage.inputTokens + context.usage.outputTokens : 0;
    const held = ticket;
    void held
      .settle(used)
      .finally(() => held.release())
      .catch((error: unknown) => log.error(`[${context.requestId}] could not settle the rate-limit ticket`, error));
  }
  const row = recordRequest(context, gateway.storage.logs);
  gateway.metrics.observeRequest(row, { alias: context.model ?? undefined, fallbacks, cache: context.cacheResult });
  span.end(row, { fallbacks, cache: context.cacheResult, guardrails: context.guardrailVerdicts.map((verdict) => `${verdict.rule}=${verdict.action}`) });
}
