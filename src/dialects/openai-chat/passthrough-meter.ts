import type { GatewayErrorShape } from '../../core/errors.ts';
import { encodeError } from './errors.ts';
import { readChatUsage } from './read-chat-usage.ts';
import { parseOrUndefined, SseMeter } from '../shared/sse-meter.ts';

/**
 * Meters a Chat Completions stream: `[DONE]` ends it, a `{"error":…}` chunk fails it, and
 * usage comes from the chunk that carries it (only parsed when the text says it does).
 *
 * With `hideUsage` the gateway added `stream_options.include_usage` the client did not ask
 * for: the meter then also rewrites the stream as the client would have got it, without the
 * usage-only last chunk (`choices: []`) and without the `usage: null` on every other chunk.
 */
export class ChatMeter extends SseMeter {
  readonly transform: ((chunk: Uint8Array | undefined) => Uint8Array) | undefined;

  constructor(hideUsage = false) {
    super();
    this.transform = hideUsage ? (chunk) => this.withoutUsage(chunk) : undefined;
  }

  encodeFailure(error: GatewayErrorShape): string {
    return `data: ${JSON.stringify(encodeError(error).body)}\n\n`;
  }

  protected observe(_name: string | undefined, data: string): void {
    if (data === '[DONE]') {
      this.terminal ??= 'completed';
      return;
    }
    if (data.startsWith('{"error"') || data.includes('"error":{')) {
      const payload = parseOrUndefined(data) as { error?: unknown } | undefined;
      if (payload?.error) this.terminal = 'failed';
      return;
    }
    this.outputChars += data.length;
    if (data.includes('"usage":{')) this.usage = readChatUsage(parseOrUndefined(data)) ?? this.usage;
  }

  private withoutUsage(chunk: Uint8Array | undefined): Uint8Array {
    let out = '';
    for (const event of this.decodeAndObserve(chunk)) {
      const data = hideUsage(event.data);
      if (data === undefined) continue;
      // Multi-line data is framed back line by line.
      if (event.event !== undefined) out += `event: ${event.event}\n`;
      out += `data: ${data.split('\n').join('\ndata: ')}\n\n`;
    }
    return Buffer.from(out);
  }
}

/** A chunk's data as the client would have seen it without `include_usage`; undefined to drop it. */
function hideUsage(data: string): string | undefined {
  if (!data.includes('"usage"')) return data;
  const chunk = parseOrUndefined(data);
  if (chunk === null || typeof chunk !== 'object' || Array.isArray(chunk) || !('usage' in chunk)) return data;
  const { usage: _usage, ...rest } = chunk as Record<string, unknown>;
  if (Array.isArray(rest['choices']) && rest['choices'].length === 0) return undefined;
  return JSON.stringify(rest);
}
