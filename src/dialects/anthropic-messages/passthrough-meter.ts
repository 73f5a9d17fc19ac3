import { encodeSseEvent } from '../../core/sse-decoder.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import { encodeError } from './errors.ts';
import { decodeUsage, mergeUsage } from './map-usage.ts';
import type { AnthropicUsage } from './wire.ts';
import { parseOrUndefined, SseMeter } from '../shared/sse-meter.ts';

/**
 * Meters an Anthropic Messages stream: usage from `message_start` (input side) and the
 * cumulative `message_delta`; `message_stop` ends it, an `error` event fails it.
 */
export class AnthropicMeter extends SseMeter {
  private readonly raw: AnthropicUsage = {};

  encodeFailure(error: GatewayErrorShape): string {
    const body = encodeError(error).body;
    return encodeSseEvent(JSON.stringify(body), 'error');
  }

  protected observe(name: string | undefined, data: string): void {
    switch (name) {
      case 'content_block_delta':
        this.outputChars += data.length;
        return;
      case 'message_start': {
        const payload = parseOrUndefined(data) as { message?: { usage?: unknown } } | undefined;
        mergeUsage(this.raw, payload?.message?.usage);
        this.usage = decodeUsage(this.raw);
        return;
      }
      case 'message_delta': {
        const payload = parseOrUndefined(data) as { usage?: unknown } | undefined;
        mergeUsage(this.raw, payload?.usage);
        this.usage = decodeUsage(this.raw);
        return;
      }
      case 'message_stop':
        this.terminal = 'completed';
        return;
      case 'error':
        this.terminal = 'failed';
        return;
      default:
        return;
    }
  }
}
