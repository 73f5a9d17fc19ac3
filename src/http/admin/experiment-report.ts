import type { ModelConfig } from '../../config/runtime-config.ts';
import { microsToUsd } from '../../observability/pricing.ts';
import { variantOf } from '../../routing/strategies/assign-variant.ts';
import type { ExperimentStatsRow } from '../../store/ports.ts';

export interface ExperimentVariantView {
  variant: string;
  /** Configured weight share (0-1); null for a variant no longer in the config. */
  weight_share: number | null;
  requests: number;
  /** Observed share of the experiment's requests (0-1). */
  request_share: number;
  errors: number;
  error_rate: number;
  avg_latency_ms: number | null;
  avg_ttfb_ms: number | null;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  served_models: string[];
}

export interface ExperimentView {
  experiment: string;
  /** False when the alias is no longer an experiment in the current config (history only). */
  configured: boolean;
  requests: number;
  variants: ExperimentVariantView[];
}

/**
 * `GET /admin/experiments`: every configured experiment with each variant's configured share
 * next to what the log observed (requests, errors, latency, cost, tokens). A variant with no
 * traffic yet shows zeros; a variant the log knows but the config dropped is listed too.
 */
export function experimentReport(models: Record<string, ModelConfig>, stats: ExperimentStatsRow[]): ExperimentView[] {
  const weights = new Map<string, Map<string, number>>();
  for (const model of Object.values(models)) {
    if (model.strategy !== 'experiment') continue;
    const variants = new Map<string, number>();
    for (const target of model.targets) variants.set(variantOf(target), (variants.get(variantOf(target)) ?? 0) + target.weight);
    weights.set(model.alias, variants);
  }
  const names = [...new Set([...weights.keys(), ...stats.map((row) => row.experiment)])].sort();
  return names.map((experiment) => {
    const configured = weights.get(experiment);
    const rows = stats.filter((row) => row.experiment === experiment);
    const total = rows.reduce((sum, row) => sum + row.requests, 0);
    const totalWeight = [...(configured?.values() ?? [])].reduce((sum, weight) => sum + weight, 0);
    const variantNames = [...new Set([...(configured?.keys() ?? []), ...rows.map((row) => row.variant)])];
    return {
      experiment,
      configured: configured !== undefined,
      requests: total,
      variants: variantNames.map((variant) => {
        const row = rows.find((candidate) => candidate.variant === variant);
        const weight = configured?.get(variant);
        const requests = row?.requests ?? 0;
        return {
          variant,
          weight_share: weight === undefined || totalWeight === 0 ? null : round(weight / totalWeight),
          requests,
          request_share: total === 0 ? 0 : round(requests / total),
          errors: row?.errors ?? 0,
          error_rate: requests === 0 ? 0 : round((row?.errors ?? 0) / requests),
          avg_latency_ms: row ? row.avgLatencyMs : null,
          avg_ttfb_ms: row?.avgTtfbMs ?? null,
          cost_usd: microsToUsd(row?.costMicros ?? 0),
          input_tokens: row?.inputTokens ?? 0,
          output_tokens: row?.outputTokens ?? 0,
          served_models: row?.servedModels ?? [],
        };
      }),
    };
  });
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
