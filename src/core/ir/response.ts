import type { ContentBlock } from './content.ts';

/** Token counts in one canonical shape: input includes cache reads and writes, output includes reasoning. */
export interface Usage {
  /** All prompt tokens, cache reads and writes included. */
  inputTokens: number;
  /** Prompt tokens read from the provider cache (subset of inputTokens). */
  cachedInputTokens: number;
  /** Prompt tokens written to the provider cache (subset of inputTokens). */
  cacheWriteTokens: number;
  /** All generated tokens, reasoning included. */
  outputTokens: number;
  /** Reasoning tokens (subset of outputTokens). */
  reasoningTokens: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

export type UnifiedFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'refusal' | 'pause' | 'error' | 'other';

/** The unified reason plus the provider's own word for it. */
export interface FinishReason {
  unified: UnifiedFinishReason;
  raw?: string;
}

export interface ModelResponse {
  id: string;
  model: string;
  createdAt: number;
  /** Output blocks in order: reasoning, text, tool calls, refusals, opaque items. */
  content: ContentBlock[];
  finishReason: FinishReason;
  usage?: Usage;
}
