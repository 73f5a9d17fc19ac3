import catalog from './pricing-catalog.json' with { type: 'json' };
import type { PricingConfig } from '../config/schema.ts';
import type { Usage } from '../core/ir/index.ts';

type Catalog = Record<string, PricingConfig | string>;
const entries = Object.entries(catalog as Catalog).filter((entry): entry is [string, PricingConfig] => typeof entry[1] === 'object');
const byName = new Map(entries);
const prefixes = entries.map(([name]) => name).sort((a, b) => b.length - a.length);

/** The price of a served model: config override, exact catalog name, then longest prefix. */
export function findPricing(model: string, override?: PricingConfig): PricingConfig | undefined {
  if (override) return override;
  const exact = byName.get(model);
  if (exact) return exact;
  const prefix = prefixes.find((name) => model.startsWith(name));
  if (prefix) return byName.get(prefix);
  // Bedrock and Vertex spell the catalog's models their own way (docs/decisions/0013).
  const plain = catalogName(model);
  return plain === model ? undefined : findPricing(plain);
}

/** `us.anthropic.claude-sonnet-4-5-20250929-v1:0` (Bedrock, with any cross-region prefix) and `claude-sonnet-4-5@20250929` (Vertex) → `claude-sonnet-4-5-20250929`. */
function catalogName(model: string): string {
  return model
    .replace(/^(us|eu|apac|jp|au|us-gov|global)\./, '')
    .replace(/^(anthropic|google|meta|mistral)\./, '')
    .replace(/-v\d+(:\d+)?$/, '')
    .replace('@', '-');
}

/**
 * Cost in integer micro-dollars (never floats for money). Cached reads and cache writes are
 * billed at their own rates (falling back to the input rate); reasoning at `reasoning` or the
 * output rate. Usage counts cached/written tokens inside inputTokens, so they are split out.
 */
export function costMicros(usage: Usage, pricing: PricingConfig | undefined): number {
  if (!pricing) return 0;
  const cached = usage.cachedInputTokens;
  const written = usage.cacheWriteTokens;
  const plainInput = Math.max(0, usage.inputTokens - cached - written);
  const reasoning = pricing.reasoning !== undefined ? usage.reasoningTokens : 0;
  const plainOutput = Math.max(0, usage.outputTokens - reasoning);
  // Prices are USD per million tokens, so tokens × price is already micro-dollars.
  const micros =
    plainInput * pricing.input +
    cached * (pricing.cached_input ?? pricing.input) +
    written * (pricing.cache_write ?? pricing.input) +
    plainOutput * pricing.output +
    reasoning * (pricing.reasoning ?? pricing.output);
  return Math.round(micros);
}

/** Input cost a provider prompt cache saved: cached tokens at the input rate minus what they were billed (micro-dollars). */
export function promptCacheSavedMicros(usage: Usage, pricing: PricingConfig | undefined): number {
  if (!pricing || usage.cachedInputTokens <= 0) return 0;
  return Math.max(0, Math.round(usage.cachedInputTokens * (pricing.input - (pricing.cached_input ?? pricing.input))));
}

export function microsToUsd(micros: number): number {
  return micros / 1_000_000;
}
