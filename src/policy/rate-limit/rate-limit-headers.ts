/** What one request-or-token window looks like right after a reservation. */
export interface WindowSnapshot {
  limit: number;
  used: number;
  /** Milliseconds until the window is back to full capacity. */
  resetMs: number;
}

/**
 * The `x-ratelimit-*` headers for the tightest limit of each kind: the one with the fewest units
 * left (ties: the smaller limit). A kind with no limit gets no headers at all.
 */
export function rateLimitHeaders(requests: readonly WindowSnapshot[], tokens: readonly WindowSnapshot[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [suffix, windows] of [
    ['requests', requests],
    ['tokens', tokens],
  ] as const) {
    const tightest = pickTightest(windows);
    if (!tightest) continue;
    headers[`x-ratelimit-limit-${suffix}`] = String(tightest.limit);
    headers[`x-ratelimit-remaining-${suffix}`] = String(Math.max(0, tightest.limit - tightest.used));
    headers[`x-ratelimit-reset-${suffix}`] = formatDuration(tightest.resetMs);
  }
  return headers;
}

function pickTightest(windows: readonly WindowSnapshot[]): WindowSnapshot | undefined {
  let best: WindowSnapshot | undefined;
  for (const window of windows) {
    const left = window.limit - window.used;
    const bestLeft = best ? best.limit - best.used : Infinity;
    if (!best || left < bestLeft || (left === bestLeft && window.limit < best.limit)) best = window;
  }
  return best;
}

/** OpenAI's duration style for reset headers: `250ms`, `12s`, `1m5s`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
