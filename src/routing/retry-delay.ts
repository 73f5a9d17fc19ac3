/**
 * The only backoff: exponential with full jitter, but never sooner than the provider's
 * Retry-After. Returns undefined when the wait would not fit in the remaining time budget
 * (then the caller falls back instead of waiting).
 */
export function retryDelayMs(options: {
  attempt: number;
  baseDelayMs: number;
  maxDelayMs: number;
  retryAfterSeconds?: number;
  remainingMs: number;
  random: () => number;
}): number | undefined {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, options.attempt - 1));
  const jittered = Math.round(exponential * (0.5 + options.random() / 2));
  const floor = options.retryAfterSeconds !== undefined ? options.retryAfterSeconds * 1000 : 0;
  const delay = Math.max(jittered, floor);
  return delay <= options.remainingMs ? delay : undefined;
}
