import type { RequestLogRow } from '../store/ports.ts';

/** What caching did for one group of requests (a key, a model, or all of them). */
export interface CacheSummary {
  group: string;
  requests: number;
  /** Answered from the gateway's response cache. */
  hits: number;
  /** Looked up in the response cache and not found (requests with the cache off are neither). */
  misses: number;
  /** What the hits would have cost upstream. */
  savedUsd: number;
  inputTokens: number;
  /** Input tokens the provider read from its prompt cache. */
  cachedInputTokens: number;
  /** cachedInputTokens ÷ inputTokens of the requests that reached a provider (0 when none did). */
  cachedShare: number;
  /** Input cost the provider's prompt cache saved against the uncached price. */
  promptCacheSavedUsd: number;
}

/** Caching per key and per model over log rows, largest savings first, plus the totals. */
export function cacheSummaryOf(rows: readonly RequestLogRow[]): { totals: CacheSummary; byKey: CacheSummary[]; byModel: CacheSummary[] } {
  const totals = empty('all');
  const byKey = new Map<string, CacheSummary>();
  const byModel = new Map<string, CacheSummary>();
  for (const row of rows) {
    const key = row.keyName ?? '(none)';
    const model = row.servedModel ?? row.model ?? '(none)';
    for (const summary of [totals, entry(byKey, key), entry(byModel, model)]) add(summary, row);
  }
  const order = (list: Iterable<CacheSummary>) =>
    [...list].map(finish).sort((a, b) => b.savedUsd + b.promptCacheSavedUsd - (a.savedUsd + a.promptCacheSavedUsd) || b.requests - a.requests);
  return { totals: finish(totals), byKey: order(byKey.values()), byModel: order(byModel.values()) };
}

function empty(group: string): CacheSummary {
  return { group, requests: 0, hits: 0, misses: 0, savedUsd: 0, inputTokens: 0, cachedInputTokens: 0, cachedShare: 0, promptCacheSavedUsd: 0 };
}

function entry(map: Map<string, CacheSummary>, group: string): CacheSummary {
  let summary = map.get(group);
  if (!summary) map.set(group, (summary = empty(group)));
  return summary;
}

function add(summary: CacheSummary, row: RequestLogRow): void {
  summary.requests += 1;
  if (row.cache === 'hit') summary.hits += 1;
  else if (row.cache === 'miss') summary.misses += 1;
  summary.savedUsd += (row.costSavedMicros ?? 0) / 1_000_000;
  summary.promptCacheSavedUsd += (row.promptCacheSavedMicros ?? 0) / 1_000_000;
  // A hit never reached a provider: its tokens are the stored answer's, not a prompt-cache read.
  if (row.cache === 'hit' || row.provider === null) return;
  summary.inputTokens += row.inputTokens;
  summary.cachedInputTokens += row.cachedInputTokens;
}

function finish(summary: CacheSummary): CacheSummary {
  return { ...summary, cachedShare: summary.inputTokens > 0 ? summary.cachedInputTokens / summary.inputTokens : 0 };
}
