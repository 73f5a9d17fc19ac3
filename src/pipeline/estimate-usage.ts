import type { RequestContext } from './request-context.ts';

/**
 * No usage from the provider (a cut stream, a client that left): bill an estimate of about
 * four characters a token, marked as estimated, rather than nothing.
 */
export function estimateUsage(context: RequestContext, inputBytes: number, outputChars: number): void {
  context.usageEstimated = true;
  context.usage = {
    inputTokens: Math.ceil(inputBytes / 4),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: Math.ceil(outputChars / 4),
    reasoningTokens: 0,
  };
}
