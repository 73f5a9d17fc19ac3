import type { GatewayErrorShape } from './errors.ts';
import type { Usage } from './ir/index.ts';

/**
 * Watches a same-dialect stream whose bytes are forwarded untouched: reads usage and whether
 * the stream reached its terminal event, decoding as little as possible (the passthrough
 * overhead is the headline number).
 */
export interface PassthroughMeter {
  push(chunk: Uint8Array): void;
  finish(): void;
  /**
   * Present on a meter that must change the stream (it asked the upstream for something the
   * client did not): it meters the chunk like `push` and answers the bytes to forward instead;
   * called with no chunk at the end, like `finish`.
   */
  transform?(chunk: Uint8Array | undefined): Uint8Array;
  readonly usage: Usage | undefined;
  /** The terminal event seen, if any. */
  readonly terminal: 'completed' | 'incomplete' | 'failed' | undefined;
  /** Characters of generated content seen (for an estimate when usage never arrives). */
  readonly outputChars: number;
  /** Bytes that end a broken stream with the dialect's own terminal error event. */
  encodeFailure(error: GatewayErrorShape): string;
}
