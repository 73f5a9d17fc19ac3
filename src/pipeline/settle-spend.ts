import type { BudgetWarning, Reservation } from '../policy/budget/budget-guard.ts';
import type { SpendReason } from '../store/spend-store.ts';
import type { RequestContext } from './request-context.ts';

/**
 * Closes a request's budget reservation: released when nothing went upstream, otherwise
 * settled to the real (or estimated) cost with a ledger entry saying why it ended. Runs after
 * the response is finished, so it never delays the client.
 */
export async function settleSpend(reservation: Reservation, context: RequestContext): Promise<BudgetWarning[]> {
  const upstreamAttempts = context.attempts.filter((attempt) => attempt.outcome !== 'skipped_circuit_open');
  if (upstreamAttempts.length === 0) {
    await reservation.release();
    return [];
  }
  const usage = context.usage;
  return reservation.settle(context.costMicros, {
    requestId: context.requestId,
    attempt: upstreamAttempts.length,
    keyName: context.key?.name ?? null,
    team: context.key?.team ?? null,
    user: context.key?.user ?? null,
    tags: context.key?.tags ?? [],
    provider: context.provider ?? '',
    model: context.servedModel ?? '',
    inputTokens: usage?.inputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    costMicros: context.costMicros,
    estimated: context.usageEstimated,
    reason: spendReason(context),
    createdAt: new Date().toISOString(),
  });
}

function spendReason(context: RequestContext): SpendReason {
  if (context.outcome === 'client_disconnected') return 'client_disconnected';
  if (context.outcome === 'ok') return 'completed';
  return context.usage && (context.usage.outputTokens > 0 || context.usageEstimated) ? 'partial' : 'error';
}
