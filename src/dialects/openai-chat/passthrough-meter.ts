import type { GatewayErrorShape } from '../../core/errors.ts';
import { encodeError } from './errors.ts';
import { readChatUsage } from './read-chat-usage.ts';
import { parseOrUndefined, SseMeter } from '../shared/sse-meter.ts';

/**
 * Meters a Chat Completions stream: `[DONE]` ends it, a `{"error":…}` chunk fails it, and
 * usage comes from the chunk that carries it (only parsed when the text says it does).
 */
export class ChatMeter extends SseMeter {
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
}
