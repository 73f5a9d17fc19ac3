import type { GatewayErrorShape } from '../../core/errors.ts';
import { encodeError } from './errors.ts';
import { decodeUsage as readGeminiUsage } from './map-usage.ts';
import { parseOrUndefined, SseMeter } from '../shared/sse-meter.ts';

/**
 * Meters a Gemini stream: usage is cumulative on every chunk (the last one wins), and the
 * chunk with a `finishReason` ends it. Gemini has no in-stream error event, so a broken
 * stream is ended with the Google error object as a data chunk.
 */
export class GeminiMeter extends SseMeter {
  encodeFailure(error: GatewayErrorShape): string {
    return `data: ${JSON.stringify(encodeError(error).body)}\r\n\r\n`;
  }

  protected observe(_name: string | undefined, data: string): void {
    this.outputChars += data.length;
    const chunk = parseOrUndefined(data) as { usageMetadata?: unknown; candidates?: Array<{ finishReason?: string }>; error?: unknown } | undefined;
    if (!chunk) return;
    if (chunk.error) {
      this.terminal = 'failed';
      return;
    }
    this.usage = readGeminiUsage(chunk.usageMetadata) ?? this.usage;
    if (chunk.candidates?.some((candidate) => candidate.finishReason)) this.terminal = 'completed';
  }
}
