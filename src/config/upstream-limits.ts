/** Caps on what one upstream answer may weigh (a hostile or broken upstream cannot exhaust us). */
export const upstreamLimits = {
  /** One SSE event, from its first byte to the blank line ending it. */
  maxSseEventBytes: 8 * 1024 * 1024,
  /** A whole non-streaming answer. */
  maxBodyBytes: 32 * 1024 * 1024,
  /** An error answer: read this much to classify it, drop the rest. */
  maxErrorBodyBytes: 64 * 1024,
};
