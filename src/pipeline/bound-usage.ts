import type { Usage } from '../core/ir/index.ts';

/** No model reads more than this in one request; a larger count is a broken or hostile upstream. */
export const absoluteMaxInputTokens = 10_000_000;

export interface UsageBounds {
  /** The most input the request could have used (the served model's context window, else the absolute ceiling). */
  maxInputTokens: number;
  /** The most output it could have produced (its output cap). */
  maxOutputTokens: number;
}

export interface BoundedUsage {
  usage: Usage;
  /** What was out of bounds, e.g. `input_tokens 1000000000000 > 200000`; empty when plausible. */
  clamped: string[];
}

/**
 * Usage as it may be billed: counts an upstream reports beyond what the request could have
 * used are clamped to the bound (and said so), never booked as they are. Parts are kept
 * consistent: cached and cache-written tokens within input, reasoning within output.
 */
export function boundUsage(usage: Usage, bounds: UsageBounds): BoundedUsage {
  const clamped: string[] = [];
  const limit = (name: string, value: number, max: number) => {
    const safe = Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
    if (safe > max) {
      clamped.push(`${name} ${safe} > ${max}`);
      return max;
    }
    if (safe !== value) clamped.push(`${name} ${value} is not a count`);
    return safe;
  };
  const inputTokens = limit('input_tokens', usage.inputTokens, Math.min(bounds.maxInputTokens, absoluteMaxInputTokens));
  const outputTokens = limit('output_tokens', usage.outputTokens, bounds.maxOutputTokens);
  const cachedInputTokens = limit('cached_input_tokens', usage.cachedInputTokens, inputTokens);
  const cacheWriteTokens = limit('cache_write_tokens', usage.cacheWriteTokens, inputTokens - cachedInputTokens);
  const reasoningTokens = limit('reasoning_tokens', usage.reasoningTokens, outputTokens);
  return { usage: { ...usage, inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens }, clamped };
}
