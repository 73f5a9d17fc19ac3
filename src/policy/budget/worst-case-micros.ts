import type { PricingConfig } from '../../config/schema.ts';

/**
 * The most a request can cost, in integer micro-dollars, rounded UP: what a reservation holds
 * before the upstream call. Input is priced at the dearer of the input and cache-write rates
 * (a prompt may be written to the cache), all of max output at the dearer of the output and
 * reasoning rates. Unknown pricing gives 0 and the caller decides what that means.
 */
export function worstCaseMicros(input: { inputTokensEstimate: number; maxOutputTokens: number; pricing: PricingConfig | undefined }): number {
  const { pricing } = input;
  if (!pricing) return 0;
  const inputRate = Math.max(pricing.input, pricing.cache_write ?? 0);
  const outputRate = Math.max(pricing.output, pricing.reasoning ?? 0);
  // Prices are USD per million tokens, so tokens × price is micro-dollars already. The epsilon
  // keeps float noise (0.15 × 1000 = 150.00000000000003) from adding a phantom micro-dollar.
  const micros = tokens(input.inputTokensEstimate) * inputRate + tokens(input.maxOutputTokens) * outputRate;
  return Math.max(0, Math.ceil(micros - 1e-6));
}

function tokens(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0;
}
