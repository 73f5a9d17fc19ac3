import type { RuntimeConfig, TargetConfig } from '../../config/runtime-config.ts';
import { invalidRequest } from '../../core/errors.ts';
import { viewOfLogRow, viewOfSpendRow, type LogRowView } from '../../observability/log-row-view.ts';
import { type CacheSummary, cacheSummaryOf } from '../../observability/cache-summary.ts';
import { overviewOf, quantile } from '../../observability/overview-series.ts';
import { budgetStandings } from '../../policy/budget/budget-report.ts';
import { keyConfigOf } from '../../policy/key-directory.ts';
import type { Router } from '../../routing/router.ts';
import type { LogQuery, RequestLogRow, Storage } from '../../store/ports.ts';
import type { SpendGroupBy } from '../../store/spend-store.ts';
import { viewOfStanding } from '../admin/budgets-route.ts';

/** The overview ranges the dashboard offers, with their bucket widths. */
export const overviewRanges: Record<string, { ms: number; bucketMs: number }> = {
  '1h': { ms: 3_600_000, bucketMs: 60_000 },
  '6h': { ms: 6 * 3_600_000, bucketMs: 5 * 60_000 },
  '24h': { ms: 24 * 3_600_000, bucketMs: 30 * 60_000 },
  '7d': { ms: 7 * 86_400_000, bucketMs: 6 * 3_600_000 },
  '30d': { ms: 30 * 86_400_000, bucketMs: 86_400_000 },
};

/** Most log rows one overview reads (the request log is paged 1000 at a time). */
const maxOverviewRows = 20_000;

/** Log rows of `[since, until)`, newest first, paging through the store's 1000-row answers. */
export async function rowsBetween(storage: Storage, since: string, until: string, cap = maxOverviewRows): Promise<RequestLogRow[]> {
  const rows: RequestLogRow[] = [];
  const seen = new Set<string>();
  let cursor = until;
  while (rows.length < cap) {
    const page = await storage.logs.query({ since, until: cursor, limit: 1000 });
    let added = 0;
    for (const row of page) {
      if (seen.has(row.requestId)) continue;
      seen.add(row.requestId);
      rows.push(row);
      added++;
    }
    if (page.length < 1000 || added === 0) break;
    // The next page includes the oldest instant again (rows sharing it may have been cut off); seen ones are skipped.
    const oldest = page.at(-1)!.startedAt;
    const next = new Date(Date.parse(oldest) + 1).toISOString();
    cursor = next < cursor ? next : oldest;
  }
  return rows;
}

/** The response cache and the providers' prompt caches over the overview's rows: totals, top keys and models. */
function cachingView(rows: Parameters<typeof cacheSummaryOf>[0]): Record<string, unknown> {
  const view = (summary: CacheSummary) => ({
    group: summary.group,
    requests: summary.requests,
    hits: summary.hits,
    misses: summary.misses,
    hit_rate: summary.hits + summary.misses > 0 ? summary.hits / (summary.hits + summary.misses) : 0,
    saved_usd: summary.savedUsd,
    input_tokens: summary.inputTokens,
    cached_input_tokens: summary.cachedInputTokens,
    cached_share: summary.cachedShare,
    prompt_cache_saved_usd: summary.promptCacheSavedUsd,
  });
  const { totals, byKey, byModel } = cacheSummaryOf(rows);
  return { totals: view(totals), by_key: byKey.slice(0, 5).map(view), by_model: byModel.slice(0, 5).map(view) };
}

/** The overview page: traffic, latency and TTFT series, spend today / this month / this week by key, top groups, caching, budgets nearest their caps, the last failure. */
export async function overviewData(storage: Storage, config: RuntimeConfig, rangeName: string, now = new Date()): Promise<Record<string, unknown>> {
  const range = overviewRanges[rangeName];
  if (!range) throw invalidRequest(`range: "${rangeName}" is not a range (one of ${Object.keys(overviewRanges).join(', ')}).`, 'range');
  const until = Math.ceil(now.getTime() / range.bucketMs) * range.bucketMs;
  const since = until - range.ms;
  const rows = await rowsBetween(storage, new Date(since).toISOString(), new Date(until).toISOString());
  const overview = overviewOf(rows, { since, until, bucketMs: range.bucketMs });
  const lastFailure =
    overview.lastFailure ??
    overviewOf(await storage.logs.query({ limit: 1000 }), { since: 0, until: now.getTime() + 1, bucketMs: now.getTime() + 1 }).lastFailure;
  const day = startOfDay(now);
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const week = startOfWeek(now);
  const rangeStart = new Date(since).toISOString();
  const spend = (groupBy: SpendGroupBy, from: Date | string) =>
    storage.spend
      .rollup({ groupBy, since: typeof from === 'string' ? from : from.toISOString() })
      .then((groups) => groups.map(viewOfSpendRow).sort((a, b) => b.cost_usd - a.cost_usd || a.group.localeCompare(b.group)));
  const total = (groups: Array<{ cost_usd: number }>) => groups.reduce((sum, group) => sum + group.cost_usd, 0);
  const [today, thisMonth, weekByKey, topKeys, topTeams, topModels, budgets] = await Promise.all([
    spend('day', day),
    spend('day', month),
    spend('key', week),
    spend('key', rangeStart),
    spend('team', rangeStart),
    spend('model', rangeStart),
    budgetsData(storage, config, now),
  ]);
  return {
    range: rangeName,
    since: rangeStart,
    until: new Date(until).toISOString(),
    bucket_ms: overview.bucketMs,
    series: overview.buckets.map((bucket) => ({
      t: bucket.t,
      requests: bucket.requests,
      requests_per_minute: bucket.requests / (range.bucketMs / 60_000),
      errors: bucket.errors,
      error_rate: bucket.requests > 0 ? bucket.errors / bucket.requests : 0,
      p50_latency_ms: bucket.p50LatencyMs,
      p99_latency_ms: bucket.p99LatencyMs,
      p50_ttft_ms: bucket.p50TtftMs,
      p99_ttft_ms: bucket.p99TtftMs,
      cost_usd: bucket.costUsd,
    })),
    totals: {
      requests: overview.totals.requests,
      requests_per_minute: overview.totals.requestsPerMinute,
      errors: overview.totals.errors,
      error_rate: overview.totals.errorRate,
      p50_latency_ms: overview.totals.p50LatencyMs,
      p99_latency_ms: overview.totals.p99LatencyMs,
      p50_ttft_ms: overview.totals.p50TtftMs,
      p99_ttft_ms: overview.totals.p99TtftMs,
      truncated: rows.length >= maxOverviewRows,
    },
    spend: {
      today_usd: total(today),
      month_usd: total(thisMonth),
      week_start: week.toISOString(),
      week_by_key: weekByKey.slice(0, 10),
    },
    top: { keys: topKeys.slice(0, 5), teams: topTeams.slice(0, 5), models: topModels.slice(0, 5) },
    caching: cachingView(rows),
    budgets: budgets.slice(0, 5),
    last_failure: lastFailure
      ? {
          request_id: lastFailure.requestId,
          started_at: lastFailure.startedAt,
          key_name: lastFailure.keyName,
          model: lastFailure.model,
          provider: lastFailure.provider,
          status: lastFailure.status,
          outcome: lastFailure.outcome,
          error_code: lastFailure.errorCode,
          error_message: lastFailure.errorMessage,
        }
      : null,
  };
}

/** Every budget with its standing (the same rows as `GET /admin/budgets`). */
export async function budgetsData(storage: Storage, config: RuntimeConfig, now = new Date()): Promise<Array<Record<string, unknown>>> {
  const stored = (await storage.keys.list())
    .filter((record) => !record.revokedAt && (record.expiresAt === undefined || new Date(record.expiresAt) > now))
    .filter((record) => !config.keys.some((key) => key.name === record.name))
    .map(keyConfigOf);
  return (await budgetStandings(storage.spend, { configKeys: config.keys, storedKeys: stored, budgets: config.budgets, now })).map(viewOfStanding);
}

/** The providers page: each target's breaker, smoothed TTFT, recent attempts and errors; each routing rule and how often it fired. */
export async function providersData(storage: Storage, config: RuntimeConfig, router: Router, now = new Date()): Promise<Record<string, unknown>> {
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const rows = await rowsBetween(storage, since, new Date(now.getTime() + 1).toISOString(), 5_000);
  const targets = new Map<string, { target: TargetConfig; aliases: string[] }>();
  for (const model of Object.values(config.models)) {
    for (const target of model.targets) {
      const id = `${target.provider}/${target.model}`;
      const entry = targets.get(id) ?? { target, aliases: [] };
      if (!entry.aliases.includes(model.alias)) entry.aliases.push(model.alias);
      targets.set(id, entry);
    }
  }
  const data = [...targets.entries()].map(([id, { target, aliases }]) => {
    const attempts = rows.flatMap((row) =>
      row.attempts.filter((attempt) => attempt.provider === target.provider && attempt.model === target.model).map((attempt) => ({ row, attempt })),
    );
    const failures = attempts.filter(({ attempt }) => attempt.outcome !== 'ok' && attempt.outcome !== 'skipped_circuit_open');
    const latencies = attempts
      .filter(({ attempt }) => attempt.outcome === 'ok')
      .map(({ attempt }) => attempt.latencyMs)
      .sort((a, b) => a - b);
    const health = router.health(target, now.getTime());
    return {
      target: id,
      provider: target.provider,
      model: target.model,
      provider_type: config.providers[target.provider]?.type ?? null,
      aliases,
      breaker: health.breaker,
      open_until: health.openUntil === null ? null : new Date(health.openUntil).toISOString(),
      ttfb_ms: health.ttfbMs,
      attempts_24h: attempts.length,
      errors_24h: failures.length,
      p50_latency_ms: quantile(latencies, 0.5),
      p99_latency_ms: quantile(latencies, 0.99),
      recent_errors: failures.slice(0, 5).map(({ row, attempt }) => ({
        request_id: row.requestId,
        started_at: row.startedAt,
        status: attempt.status,
        outcome: attempt.outcome,
        error_code: attempt.errorCode ?? null,
      })),
    };
  });
  const rules = config.routing.rules.map((rule) => ({
    name: rule.name,
    when: rule.when,
    route_to: rule.route_to,
    hits_24h: rows.filter((row) => row.rule === rule.name).length,
  }));
  return { data, rules, since };
}

const logFilters = ['key', 'team', 'model', 'provider', 'outcome', 'since', 'until', 'limit'] as const;

/** The log page's filters as a store query (the same names as `/admin/logs`, plus team, provider and until). */
export function logQueryOf(parameters: URLSearchParams): LogQuery {
  const query: LogQuery = { limit: 200 };
  for (const name of parameters.keys()) if (!(logFilters as readonly string[]).includes(name)) throw invalidRequest(`${name}: unknown filter.`, name);
  for (const name of ['key', 'team', 'model', 'provider', 'outcome'] as const) {
    const value = parameters.get(name)?.trim();
    if (value) query[name] = value;
  }
  for (const name of ['since', 'until'] as const) {
    const value = parameters.get(name)?.trim();
    if (!value) continue;
    const time = Date.parse(value);
    if (!Number.isFinite(time)) throw invalidRequest(`${name}: "${value}" is not a date or time.`, name);
    query[name] = new Date(time).toISOString();
  }
  const limit = parameters.get('limit');
  if (limit) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) throw invalidRequest('limit: a whole number from 1 to 1000.', 'limit');
    query.limit = Number(limit);
  }
  return query;
}

export async function logsData(storage: Storage, query: LogQuery): Promise<LogRowView[]> {
  return (await storage.logs.query(query)).map((row) => viewOfLogRow(row));
}

/** One request with everything the detail panel shows; bodies only for admins (and only when body logging kept them). */
export async function logDetail(storage: Storage, requestId: string, bodies: boolean): Promise<LogRowView | undefined> {
  const [row] = await storage.logs.query({ requestId, limit: 1 });
  return row ? viewOfLogRow(row, { bodies }) : undefined;
}

function startOfDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Monday 00:00 UTC of this week. */
function startOfWeek(now: Date): Date {
  const day = startOfDay(now);
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000);
}
