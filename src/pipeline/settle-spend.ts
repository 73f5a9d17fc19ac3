import { log } from '../core/log.ts';
import type { Reservation } from '../policy/budget/budget-guard.ts';
import type { SpendReason } from '../store/spend-store.ts';
import type { RequestContext } from './request-context.ts';

/**
 * Closes a request's budget reservation: released when nothing went upstream, otherwise
 * settled to the real (or estimated) cost with a ledger entry saying why it ended. Runs after
 * the response is finished, so it never delays the client. Never rejects: a store that cannot
 * settle is logged. The crossings a settle returns are not handed on: the guard itself reports
 * each one (its `notify`), and reporting them again would warn (and post the webhook) twice.
 */
export async function settleSpend(reservation: Reservation, context: RequestContext): Promise<void> {
  // (One async body with its own catch: no extra promise or closure per budgeted request.)
  try {
    const upstreamAttempts = context.attempts.filter((attempt) => attempt.outcome !== 'skipped_circuit_open');
    if (upstreamAttempts.length === 0) {
      await reservation.release();
      return;
    }
    const usage = context.usage;
    const base = {
      requestId: context.requestId,
      keyName: context.key?.name ?? null,
      team: context.key?.team ?? null,
      user: context.key?.user ?? null,
      tags: [...new Set([...(context.key?.tags ?? []), ...context.attribution.tags])],
      attributes: context.attribution.attributes,
    };
    // Every attempt that reached a provider has its ledger row; the ones before the last failed
    // before any content (that is what allowed a retry), so they are booked at no cost — except
    // a hedged attempt that lost the race, billed as far as it got (its record says how much).
    for (const [index, attempt] of upstreamAttempts.slice(0, -1).entries()) {
      const cost = attempt.costMicros ?? 0;
      await reservation.record({
        ...base,
        attempt: index + 1,
        provider: attempt.provider,
        model: attempt.model,
        inputTokens: attempt.inputTokens ?? 0,
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        outputTokens: attempt.outputTokens ?? 0,
        reasoningTokens: 0,
        costMicros: cost,
        estimated: attempt.estimated ?? false,
        reason: attempt.outcome === 'hedge_lost' ? 'hedge_lost' : attempt.outcome === 'client_disconnected' ? 'client_disconnected' : 'retry',
        createdAt: new Date().toISOString(),
      });
    }
    const last = upstreamAttempts[upstreamAttempts.length - 1]!;
    await reservation.settle(context.costMicros, {
      ...base,
      attempt: upstreamAttempts.length,
      provider: context.provider ?? last.provider,
      model: context.servedModel ?? last.model,
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
  } catch (error) {
    log.error(`[${context.requestId}] could not settle spend`, error);
  }
}

function spendReason(context: RequestContext): SpendReason {
  if (context.outcome === 'client_disconnected') return 'client_disconnected';
  if (context.outcome === 'ok') return 'completed';
  return context.usage && (context.usage.outputTokens > 0 || context.usageEstimated) ? 'partial' : 'error';
}
