import type { ModelConfig, TargetConfig } from '../../config/runtime-config.ts';
import { findPricing } from '../../observability/pricing.ts';
import type { RequestFeatures } from '../request-features.ts';
import type { LatencySamples } from '../latency-samples.ts';
import { targetId } from '../target-id.ts';
import { experimentOrder } from './assign-variant.ts';

export interface StrategyState {
  /** Next round-robin position per alias. */
  roundRobin: Map<string, number>;
  /** Moving average of time to first token per target id (ms, from the attempt's start). */
  latency: Map<string, number>;
  /** Recent time-to-first-token samples per target id (for `cheapest`'s `max_ttft_p95_ms`). */
  ttft: Map<string, LatencySamples>;
  /** Uniform [0, 1) source; injected so tests are deterministic. */
  random: () => number;
}

/**
 * Orders an alias's targets for one request: the first is tried first, the rest are the
 * fallback chain. Pure apart from the round-robin counter.
 */
export function orderTargets(
  alias: string,
  strategy: ModelConfig['strategy'],
  targets: readonly TargetConfig[],
  features: RequestFeatures,
  state: StrategyState,
  options: { maxTtftP95Ms?: number; now?: number } = {},
): TargetConfig[] {
  if (targets.length <= 1) return [...targets];
  switch (strategy) {
    case 'failover':
    // Hedging keeps the config order; the attempt loop starts the next one early.
    case 'hedge':
      return [...targets];
    case 'experiment':
      return experimentOrder(alias, targets, features.sessionKey, state.random);
    case 'round-robin': {
      const position = state.roundRobin.get(alias) ?? 0;
      state.roundRobin.set(alias, (position + 1) % targets.length);
      return rotate(targets, position);
    }
    case 'weighted':
      return weightedOrder(targets, state.random);
    case 'lowest-latency':
      // Unmeasured targets first (so each gets measured), then fastest average.
      return [...targets].sort((a, b) => (state.latency.get(targetId(a)) ?? -1) - (state.latency.get(targetId(b)) ?? -1));
    case 'cheapest': {
      const ordered = cheapestOrder(targets, features);
      const ceiling = options.maxTtftP95Ms;
      if (ceiling === undefined) return ordered;
      // Too slow lately (measured p95 above the ceiling): still a fallback, never the first choice.
      const now = options.now ?? Date.now();
      const slow = (target: TargetConfig) => (state.ttft.get(targetId(target))?.quantile(0.95, now) ?? 0) > ceiling;
      return [...ordered.filter((target) => !slow(target)), ...ordered.filter(slow)];
    }
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  return [...items.slice(by), ...items.slice(0, by)];
}

/** Weighted random pick for the first place, then the remaining by weight likewise. */
function weightedOrder(targets: readonly TargetConfig[], random: () => number): TargetConfig[] {
  const remaining = [...targets];
  const ordered: TargetConfig[] = [];
  while (remaining.length > 0) {
    const total = remaining.reduce((sum, target) => sum + target.weight, 0);
    let point = random() * total;
    let index = remaining.findIndex((target) => (point -= target.weight) < 0);
    if (index === -1) index = remaining.length - 1;
    ordered.push(...remaining.splice(index, 1));
  }
  return ordered;
}

/** Cheapest target able to serve the request (context window); unable ones go last. */
function cheapestOrder(targets: readonly TargetConfig[], features: RequestFeatures): TargetConfig[] {
  const price = (target: TargetConfig) => {
    const pricing = findPricing(target.model, target.pricing);
    return pricing ? pricing.input * features.inputTokens + pricing.output * 1000 : Number.POSITIVE_INFINITY;
  };
  const fits = (target: TargetConfig) => target.contextWindow === undefined || target.contextWindow >= features.inputTokens;
  return [...targets].sort((a, b) => Number(fits(b)) - Number(fits(a)) || price(a) - price(b));
}
