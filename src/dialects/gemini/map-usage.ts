import type { Usage } from '../../core/ir/index.ts';
import { isRecord, type GeminiUsageMetadata } from './wire.ts';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Gemini `usageMetadata` → canonical usage. `promptTokenCount` already
 * includes `cachedContentTokenCount`; tool-use prompt tokens (grounding results) are prompt
 * input too. `candidatesTokenCount` excludes thoughts, so output adds `thoughtsTokenCount`.
 * Streams repeat the metadata cumulatively on every chunk: the last one wins.
 */
export function decodeUsage(metadata: unknown): Usage | undefined {
  if (!isRecord(metadata)) return undefined;
  const usage = metadata as GeminiUsageMetadata;
  const thoughts = count(usage.thoughtsTokenCount);
  return {
    inputTokens: count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount),
    cachedInputTokens: count(usage.cachedContentTokenCount),
    cacheWriteTokens: 0,
    outputTokens: count(usage.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
  };
}

/** Canonical usage → `usageMetadata` (candidates without thoughts, as Gemini counts). */
export function encodeUsage(usage: Usage | undefined): GeminiUsageMetadata {
  const input = Math.round(usage?.inputTokens ?? 0);
  const output = Math.round(usage?.outputTokens ?? 0);
  const thoughts = Math.min(output, Math.round(usage?.reasoningTokens ?? 0));
  const metadata: GeminiUsageMetadata = { promptTokenCount: input, candidatesTokenCount: output - thoughts, totalTokenCount: input + output };
  if ((usage?.cachedInputTokens ?? 0) > 0) metadata.cachedContentTokenCount = Math.round(usage?.cachedInputTokens ?? 0);
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts;
  return metadata;
}
