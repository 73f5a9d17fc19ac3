import { encodeSseEvent } from '../../core/sse-decoder.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import { readResponsesUsage, responsesFailureCode } from '../../dialects/openai-responses/index.ts';
import { parseOrUndefined, SseMeter } from './sse-meter.ts';

const terminalEvents: Record<string, 'completed' | 'incomplete' | 'failed'> = {
  'response.completed': 'completed',
  'response.incomplete': 'incomplete',
  'response.failed': 'failed',
};
/** How terminal events name themselves inside their data (with or without `event:` lines). */
const markers = Object.keys(terminalEvents).map((type) => Buffer.from(`"${type}"`));
const longestMarker = Math.max(...markers.map((marker) => marker.length));
/** Past this many buffered bytes without an event boundary, decode everything (bounded memory). */
const maxPendingBytes = 4 * 1024 * 1024;
/** SSE framing and JSON roughly triple generated text; used only when usage never arrives. */
const textPerStreamedByte = 0.3;

/**
 * Meters a Responses stream that is forwarded untouched. Nearly every event is a delta the
 * meter does not need, so it does not decode them: it scans the raw bytes (native indexOf)
 * for a terminal event's name and decodes only from that event's start. Usage and the
 * terminal state are exact; the output estimate for cut streams comes from the byte count.
 */
export class ResponsesMeter extends SseMeter {
  private responseId: string | undefined;
  private capturing = false;
  /** Bytes since the last event boundary, while not capturing. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private previousTail: Buffer = Buffer.alloc(0);
  private streamedBytes = 0;
  private head: Buffer = Buffer.alloc(0);

  constructor(private readonly requestedModel: string) {
    super();
  }

  override push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.readResponseId(bytes);
    this.streamedBytes += bytes.length;
    this.outputChars = Math.round(this.streamedBytes * textPerStreamedByte);
    if (this.capturing) return super.push(bytes);
    if (this.containsMarker(bytes)) return this.startCapture(bytes);
    const boundary = bytes.lastIndexOf('\n\n');
    if (boundary === -1) {
      this.pending.push(bytes);
      this.pendingBytes += bytes.length;
    } else {
      this.pending = [bytes.subarray(boundary + 2)];
      this.pendingBytes = this.pending[0]!.length;
    }
    // The last bytes seen, across chunks however small, so a marker split anywhere is found.
    this.previousTail = bytes.length >= longestMarker ? bytes.subarray(bytes.length - longestMarker) : Buffer.concat([this.previousTail, bytes]).subarray(-longestMarker);
    if (this.pendingBytes > maxPendingBytes) this.startCapture(Buffer.alloc(0));
  }

  override finish(): void {
    if (!this.capturing) this.startCapture(Buffer.alloc(0));
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
    return encodeSseEvent(JSON.stringify({ type: 'response.failed', sequence_number: this.events, response }), 'response.failed');
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
    if (this.responseId !== undefined || this.head.length >= 4096) return;
    this.head = Buffer.concat([this.head, bytes.subarray(0, 4096 - this.head.length)]);
    this.responseId = /"id"\s*:\s*"(resp_[^"]+)"/.exec(this.head.toString('latin1'))?.[1];
  }

  /** A marker may straddle chunks: check the seam with the bytes before as well as the chunk. */
  private containsMarker(bytes: Buffer): boolean {
    if (markers.some((marker) => bytes.indexOf(marker) !== -1)) return true;
    if (this.previousTail.length === 0) return false;
    const seam = Buffer.concat([this.previousTail, bytes.subarray(0, longestMarker)]);
    return markers.some((marker) => seam.indexOf(marker) !== -1);
  }

  /** From here on every byte is decoded, starting at the current event's boundary. */
  private startCapture(bytes: Buffer): void {
    this.capturing = true;
    const backlog = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const piece of backlog) super.push(piece);
    if (bytes.length > 0) super.push(bytes);
  }
}
