import type { Usage } from '../../core/ir/index.ts';
import { isRecord, type ChatUsage } from './wire.ts';

/**
 * Usage: `prompt_tokens` already includes cached tokens and
 * `completion_tokens` already includes reasoning tokens, so the mapping is direct. DeepSeek
 * reports its cache hits as `prompt_cache_hit_tokens` instead of `prompt_tokens_details`.
 */
export function decodeUsage(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const input = count(raw.prompt_tokens);
  const output = count(raw.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const promptDetails = isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details : {};
  const completionDetails = isRecord(raw.completion_tokens_details) ? raw.completion_tokens_details : {};
  return {
    inputTokens: input ?? 0,
    cachedInputTokens: count(promptDetails.cached_tokens) ?? count(raw.prompt_cache_hit_tokens) ?? 0,
    cacheWriteTokens: count(promptDetails.cache_write_tokens) ?? 0,
    outputTokens: output ?? 0,
    reasoningTokens: count(completionDetails.reasoning_tokens) ?? 0,
  };
}

/** The usage object OpenAI sends, integers only (SDKs type these fields as numbers). */
export function encodeUsage(usage: Usage): ChatUsage {
  const input = integer(usage.inputTokens);
  const output = integer(usage.outputTokens);
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: integer(usage.cachedInputTokens) },
    completion_tokens_details: { reasoning_tokens: integer(usage.reasoningTokens) },
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function integer(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
