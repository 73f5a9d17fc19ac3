import { GatewayError } from '../../core/errors.ts';
import type { BudgetUsage } from '../../store/spend-store.ts';
import { periodLabel, scopeLabel, usd } from './budget-format.ts';

/**
 * The 429 for an exhausted hard budget (`insufficient_quota`, which clients do not retry). The
 * message names the scope and when it resets, e.g.
 * `Budget exceeded for team "platform": $50.00 of $50.00 used this month; resets 2026-12-01T00:00:00Z.`
 */
export function budgetExceededError(blocked: BudgetUsage, requestMaxMicros: number): GatewayError {
  const { rule } = blocked;
  const used = blocked.spentMicros + blocked.reservedMicros;
  let message = `Budget exceeded for ${scopeLabel(rule.scope, rule.subject)}: ${usd(used)} of ${usd(blocked.limitMicros)} used ${periodLabel[rule.window]}`;
  if (blocked.reservedMicros > 0) message += ` (${usd(blocked.reservedMicros)} of it held by requests in flight)`;
  // Not exhausted yet: it is this request's worst case that does not fit.
  if (used < blocked.limitMicros) message += ` and this request may cost up to ${usd(requestMaxMicros)}`;
  message += blocked.resetAt === null ? '; does not reset.' : `; resets ${blocked.resetAt}.`;
  // When the window resets, `Retry-After` says so (the surfaces still mark it as not to be retried by the client).
  const retryAfterSeconds = blocked.resetAt === null ? undefined : Math.max(1, Math.ceil((Date.parse(blocked.resetAt) - Date.now()) / 1000));
  return new GatewayError({
    code: 'policy_budget_exceeded',
    message,
    ...(retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) ? { retryAfterSeconds } : {}),
    details: {
      scope: rule.scope,
      subject: rule.subject,
      window: rule.window,
      limitUsd: blocked.limitMicros / 1_000_000,
      spentUsd: blocked.spentMicros / 1_000_000,
      reservedUsd: blocked.reservedMicros / 1_000_000,
      requestMaxUsd: requestMaxMicros / 1_000_000,
      resetsAt: blocked.resetAt,
    },
  });
}
