import { GatewayError } from '../core/errors.ts';

/**
 * Counts the bytes of the SSE event still arriving (since the last blank line: LF LF, CR CR or
 * LF CR LF, also across chunks) and fails once one event passes the cap, so a single 20 MB event
 * cannot grow a decoder's buffer without bound. Per chunk: native lastIndexOf from the end, so
 * chunks that end an event cost almost nothing.
 */
export class SseEventGuard {
  private pending = 0;
  private tail = Buffer.alloc(0);

  constructor(
    private readonly maxEventBytes: number,
    private readonly providerName: string,
  ) {}

  push(chunk: Buffer): void {
    const end = lastBoundaryEnd(chunk);
    if (end !== -1) {
      this.pending = chunk.length - end;
    } else if (this.tail.length > 0 && chunk.length > 0 && lastBoundaryEnd(Buffer.concat([this.tail, chunk.subarray(0, 2)])) !== -1) {
      const joined = lastBoundaryEnd(Buffer.concat([this.tail, chunk.subarray(0, 2)]));
      this.pending = chunk.length - (joined - this.tail.length);
    } else {
      this.pending += chunk.length;
    }
    this.tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 2)));
    if (this.pending > this.maxEventBytes) {
      throw new GatewayError({
        code: 'provider_bad_response',
        message: `Provider "${this.providerName}" sent a stream event larger than the ${this.maxEventBytes} byte limit.`,
      });
    }
  }
}

function lastBoundaryEnd(bytes: Buffer): number {
  let best = -1;
  const lfLf = bytes.lastIndexOf('\n\n');
  if (lfLf !== -1) best = lfLf + 2;
  const rest = best === -1 ? bytes : bytes.subarray(best - 1);
  const offset = best === -1 ? 0 : best - 1;
  const crCr = rest.lastIndexOf('\r\r');
  if (crCr !== -1) best = Math.max(best, offset + crCr + 2);
  const crlf = rest.lastIndexOf('\n\r\n');
  if (crlf !== -1) best = Math.max(best, offset + crlf + 3);
  return best;
}
