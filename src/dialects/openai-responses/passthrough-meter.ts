import { encodeSseEvent } from '../../core/sse-decoder.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import { encodeFailedEventCode as responsesFailureCode } from './errors.ts';
import { readResponsesUsage } from './read-responses-usage.ts';
import { parseOrUndefined, SseMeter } from '../shared/sse-meter.ts';

const terminalEvents: Record<string, 'completed' | 'incomplete' | 'failed'> = {
  'response.completed': 'completed',
  'response.incomplete': 'incomplete',
  'response.failed': 'failed',
};
/** SSE framing and JSON roughly triple generated text; used only when usage never arrives. */
const textPerStreamedByte = 0.3;
const lf = 0x0a;
const cr = 0x0d;

/**
 * Meters a Responses stream that is forwarded untouched. A Responses stream ends with its
 * terminal event (completed, incomplete or failed), the only one carrying usage, so the meter
 * decodes nothing while the stream runs: per chunk it finds the last event boundary (native
 * lastIndexOf) and keeps a view of the last complete event and the bytes after it. At the end
 * it decodes just those. No copy is made when chunks hold whole events, the usual case.
 */
export class ResponsesMeter extends SseMeter {
  private responseId: string | undefined;
  private head: Buffer = Buffer.alloc(0);
  /** The last complete event seen (with its terminating blank line). */
  private lastEvent: Buffer = Buffer.alloc(0);
  /** Bytes after the last boundary: the start of an event still arriving. */
  private partial: Buffer[] = [];
  private streamedBytes = 0;
  private chunks = 0;

  constructor(private readonly requestedModel: string) {
    super();
  }

  override push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.responseId === undefined && this.head.length < 4096) this.readResponseId(bytes);
    this.streamedBytes += bytes.length;
    this.chunks++;
    this.outputChars = Math.round(this.streamedBytes * textPerStreamedByte);
    const last = lastBoundaryEnd(bytes, bytes.length);
    if (last === -1) {
      this.partial.push(bytes);
      return;
    }
    const previous = lastBoundaryEnd(bytes, last - 2);
    this.lastEvent = previous !== -1 ? bytes.subarray(previous, last) : Buffer.concat([...this.partial, bytes.subarray(0, last)]);
    this.partial = last < bytes.length ? [bytes.subarray(last)] : [];
  }

  override finish(): void {
    super.push(this.lastEvent);
    for (const piece of this.partial) super.push(piece);
    super.finish();
  }

  encodeFailure(error: GatewayErrorShape): string {
    const response = {
      id: this.responseId ?? 'resp_switchyard_failed',
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'failed',
      model: this.requestedModel,
      output: [],
      error: { code: responsesFailureCode(error), message: error.message },
      incomplete_details: null,
      usage: null,
    };
    return encodeSseEvent(JSON.stringify({ type: 'response.failed', sequence_number: this.chunks, response }), 'response.failed');
  }

  protected observe(name: string | undefined, data: string): void {
    const type = name ?? /"type"\s*:\s*"([^"]+)"/.exec(data)?.[1];
    const terminal = type === undefined ? undefined : terminalEvents[type];
    if (!terminal) return;
    this.terminal = terminal;
    this.usage = readResponsesUsage(parseOrUndefined(data)) ?? this.usage;
  }

  /** The response id, for a failure event we may have to append; it is in the first event. */
  private readResponseId(bytes: Buffer): void {
    this.head = this.head.length === 0 ? bytes.subarray(0, 4096) : Buffer.concat([this.head, bytes.subarray(0, 4096 - this.head.length)]);
    this.responseId = /"id"\s*:\s*"(resp_[^"]+)"/.exec(this.head.toString('latin1'))?.[1];
  }
}

/**
 * Where the last event boundary (a blank line: LF LF, or CR LF CR LF) before `before` ends,
 * or -1. Data lines are single-line JSON, so a blank line only ever separates events.
 */
function lastBoundaryEnd(bytes: Buffer, before: number): number {
  let index = bytes.lastIndexOf(lf, before - 1);
  while (index > 0) {
    if (bytes[index - 1] === lf) return index + 1;
    if (bytes[index - 1] === cr && index >= 3 && bytes[index - 2] === lf && bytes[index - 3] === cr) return index + 1;
    index = bytes.lastIndexOf(lf, index - 1);
  }
  return -1;
}
