import type { Usage } from '../../core/ir/index.ts';
import { isRecord, type ConverseUsage } from './wire.ts';

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0);

/**
 * Converse `usage` → IR usage. `inputTokens` excludes cache reads and writes (as Anthropic's
 * `input_tokens` does); the IR's input includes them.
 */
export function decodeUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const cached = count(usage.cacheReadInputTokens);
  const written = count(usage.cacheWriteInputTokens);
  return {
    inputTokens: count(usage.inputTokens) + cached + written,
    cachedInputTokens: cached,
    cacheWriteTokens: written,
    outputTokens: count(usage.outputTokens),
    reasoningTokens: 0,
  };
}

/** IR usage → Converse `usage` (the client half). */
export function encodeUsage(usage: Usage | undefined): ConverseUsage {
  if (!usage) return { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const input = Math.max(0, usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens);
  const encoded: ConverseUsage = { inputTokens: input, outputTokens: usage.outputTokens, totalTokens: input + usage.outputTokens };
  if (usage.cachedInputTokens > 0) encoded.cacheReadInputTokens = usage.cachedInputTokens;
  if (usage.cacheWriteTokens > 0) encoded.cacheWriteInputTokens = usage.cacheWriteTokens;
  encoded.totalTokens = input + usage.outputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  return encoded;
}
