import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyConfig, ScopedBudgetConfig } from '../../config/runtime-config.ts';
import { GatewayError } from '../../core/errors.ts';
import { sendJson } from '../../pipeline/client-io.ts';
import { keyConfigOf } from '../../policy/key-directory.ts';
import { budgetStandings, type BudgetStanding } from '../../policy/budget/budget-report.ts';
import type { SpendStore } from '../../store/spend-store.ts';
import type { VirtualKeyStore } from '../../store/virtual-key-store.ts';
import { sendAdminError, startAdminAnswer } from './admin-answer.ts';

export interface BudgetsAdminContext {
  configKeys: readonly KeyConfig[];
  budgets: readonly ScopedBudgetConfig[];
  keys: Pick<VirtualKeyStore, 'list'>;
  spend: Pick<SpendStore, 'usage'>;
  /** Throws a GatewayError (401/403) unless the caller may read budgets. */
  authorize(request: IncomingMessage): void;
}

/**
 * `GET /admin/budgets` (docs/decisions/0010): every budget the gateway enforces with its window,
 * use against the cap, warn line and reset time, fullest first. Answers false for other paths.
 */
export async function handleBudgetsAdmin(context: BudgetsAdminContext, request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname !== '/admin/budgets') return false;
  startAdminAnswer(response);
  try {
    context.authorize(request);
    if (request.method !== 'GET') {
      response.setHeader('allow', 'GET');
      throw new GatewayError({ code: 'caller_invalid_request', status: 405, message: '/admin/budgets only answers GET.' });
    }
    for (const name of url.searchParams.keys()) {
      throw new GatewayError({ code: 'caller_invalid_request', message: `${name}: /admin/budgets takes no query parameters.`, param: name });
    }
    const now = new Date();
    const stored = (await context.keys.list())
      .filter((record) => !record.revokedAt && (record.expiresAt === undefined || new Date(record.expiresAt) > now))
      .filter((record) => !context.configKeys.some((key) => key.name === record.name))
      .map(keyConfigOf);
    const standings = await budgetStandings(context.spend, { configKeys: context.configKeys, storedKeys: stored, budgets: context.budgets, now });
    sendJson(response, 200, { data: standings.map(viewOfStanding) });
  } catch (error) {
    sendAdminError(response, error);
  }
  return true;
}

/** The wire shape: snake_case, USD as numbers (micro-dollars too, for exact sums). */
export function viewOfStanding(standing: BudgetStanding): Record<string, unknown> {
  return {
    scope: standing.scope,
    subject: standing.subject,
    window: standing.window,
    mode: standing.mode,
    source: standing.source,
    limit_usd: standing.limitMicros / 1_000_000,
    spent_usd: standing.spentMicros / 1_000_000,
    reserved_usd: standing.reservedMicros / 1_000_000,
    used_ratio: standing.limitMicros > 0 ? standing.spentMicros / standing.limitMicros : null,
    warn_at: standing.warnAt,
    warn_usd: standing.warnMicros / 1_000_000,
    limit_micros: standing.limitMicros,
    spent_micros: standing.spentMicros,
    window_start: standing.windowStart,
    resets_at: standing.resetAt,
    status: standing.status,
  };
}
