import type { Usage } from '../../core/ir/index.ts';
import type { AnthropicUsage } from './wire.ts';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Anthropic usage → canonical usage. Anthropic's `input_tokens`
 * excludes cache reads and writes, so the prompt total adds them back; `output_tokens`
 * already includes thinking. Thinking is not counted apart unless the API says so.
 */
export function decodeUsage(usage: AnthropicUsage | undefined): Usage {
  const cacheRead = count(usage?.cache_read_input_tokens);
  const cacheWrite = count(usage?.cache_creation_input_tokens);
  const details = usage?.output_tokens_details as { thinking_tokens?: unknown; reasoning_tokens?: unknown } | undefined;
  return {
    inputTokens: count(usage?.input_tokens) + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: count(usage?.output_tokens),
    reasoningTokens: count(usage?.thinking_tokens ?? details?.thinking_tokens ?? details?.reasoning_tokens),
  };
}

/**
 * Streams report usage twice (message_start, then cumulative message_delta, which may or may
 * not repeat the input fields): the last value seen per field wins.
 */
export function mergeUsage(into: AnthropicUsage, update: unknown): void {
  if (typeof update !== 'object' || update === null) return;
  for (const [key, value] of Object.entries(update)) {
    if (value !== null && value !== undefined) into[key] = value;
  }
}

/** Canonical usage → Anthropic usage (input without the cache parts, as Anthropic counts). */
export function encodeUsage(
  usage: Usage | undefined,
): Required<Pick<AnthropicUsage, 'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens'>> {
  const cacheRead = usage?.cachedInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens ?? 0,
  };
}
