import type { BudgetWarning } from './budget-guard.ts';
import { periodLabel, scopeLabel, usd } from './budget-format.ts';

/** The JSON a budget webhook receives (snake_case, like the config). */
export function budgetWarningPayload(warning: BudgetWarning): Record<string, unknown> {
  const percent = warning.limitMicros > 0 ? Math.floor((warning.spentMicros / warning.limitMicros) * 100) : 0;
  const reached = warning.threshold >= 1;
  return {
    // The warn line and the cap are two events per window; the cap's says what the mode does next.
    type: reached ? 'budget.limit_reached' : 'budget.warning',
    message: reached
      ? `Budget limit reached for ${scopeLabel(warning.scope, warning.subject)}: ${usd(warning.spentMicros)} of ${usd(warning.limitMicros)} used ${periodLabel[warning.window]} (${percent}%)${warning.mode === 'hard' ? '; further requests are refused until it resets' : ' (soft: requests still pass)'}.`
      : `Budget warning for ${scopeLabel(warning.scope, warning.subject)}: ${usd(warning.spentMicros)} of ${usd(warning.limitMicros)} used ${periodLabel[warning.window]} (${percent}%).`,
    threshold: warning.threshold,
    scope: warning.scope,
    subject: warning.subject,
    mode: warning.mode,
    window: warning.window,
    warn_at: warning.warnAt,
    spent_usd: warning.spentMicros / 1_000_000,
    limit_usd: warning.limitMicros / 1_000_000,
    spent_micros: warning.spentMicros,
    limit_micros: warning.limitMicros,
    window_start: warning.windowStart,
    resets_at: warning.resetAt,
  };
}

/**
 * POSTs a warning to its `webhookUrl`. Fire-and-forget: callers do not await it; the promise
 * never rejects (it resolves to whether the hook answered 2xx) and gives up after `timeoutMs`,
 * so a slow or dead hook can neither fail nor hold up a request.
 */
export function postBudgetWarning(warning: BudgetWarning, options: { timeoutMs?: number } = {}): Promise<boolean> {
  const url = warning.webhookUrl;
  if (!url) return Promise.resolve(false);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const delivery = (async () => {
    // Loaded on the first warning: most gateways never send one, and undici's index is large.
    const { request } = await import('undici');
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'switchyard-budget-webhook' },
      body: JSON.stringify(budgetWarningPayload(warning)),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body.dump();
    return response.statusCode >= 200 && response.statusCode < 300;
  })();
  return delivery.catch(() => false);
}
