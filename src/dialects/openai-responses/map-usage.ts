import type { Usage } from '../../core/ir/index.ts';
import { isRecord, type ResponsesUsage } from './wire.ts';

/**
 * Usage: `input_tokens` already includes cached tokens and
 * `output_tokens` already includes reasoning tokens, so the mapping is direct.
 */
export function decodeUsage(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const input = count(raw.input_tokens);
  const output = count(raw.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const inputDetails = isRecord(raw.input_tokens_details) ? raw.input_tokens_details : {};
  const outputDetails = isRecord(raw.output_tokens_details) ? raw.output_tokens_details : {};
  return {
    inputTokens: input ?? 0,
    cachedInputTokens: count(inputDetails.cached_tokens) ?? 0,
    cacheWriteTokens: count(inputDetails.cache_write_tokens) ?? 0,
    outputTokens: output ?? 0,
    reasoningTokens: count(outputDetails.reasoning_tokens) ?? 0,
  };
}

/**
 * Always the five fields Codex reads, all integers: a usage object missing one of them makes
 * Codex reject the whole `response.completed` (§11). `cache_write_tokens` (Anthropic's
 * `cache_creation_input_tokens`) is required by OpenAI's schema too.
 */
export function encodeUsage(usage: Usage): ResponsesUsage {
  const input = integer(usage.inputTokens);
  const output = integer(usage.outputTokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: integer(usage.cachedInputTokens), cache_write_tokens: integer(usage.cacheWriteTokens) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: integer(usage.reasoningTokens) },
    total_tokens: input + output,
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function integer(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
