import type { GatewayErrorShape } from '../../core/errors.ts';
import { parseOrUndefined, SseMeter } from '../shared/sse-meter.ts';
import { streamExceptionName } from './errors.ts';
import { decodeUsage } from './map-usage.ts';
import { converseStreamExceptions, isRecord } from './wire.ts';

/** Meters a (reframed) ConverseStream: usage from `metadata`, `messageStop` ends it, an exception member fails it. */
export class ConverseMeter extends SseMeter {
  encodeFailure(error: GatewayErrorShape): string {
    return `data: ${JSON.stringify({ [streamExceptionName(error.code)]: { message: error.message } })}\n\n`;
  }

  protected observe(_name: string | undefined, data: string): void {
    const event = parseOrUndefined(data);
    if (!isRecord(event)) return;
    if (isRecord(event.contentBlockDelta)) this.outputChars += data.length;
    if (isRecord(event.metadata)) this.usage = decodeUsage(event.metadata.usage) ?? this.usage;
    if (isRecord(event.messageStop)) this.terminal = event.messageStop.stopReason === 'max_tokens' ? 'incomplete' : 'completed';
    if (converseStreamExceptions.some((name) => name in event)) this.terminal = 'failed';
  }
}
