import type { ServerResponse } from 'node:http';
import { tapResponseWrites } from '../tap-response-writes.ts';

/**
 * A copy of what is written to the client (JSON or SSE bytes), up to a cap, for the response
 * cache to decode once the answer is complete. It taps the response's `write` and `end`, so the
 * passthrough and the translated path are captured alike without knowing about it.
 */
export class AnswerCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** More than the cap was written: the answer is not stored. */
  overflowed = false;

  constructor(
    response: ServerResponse,
    private readonly limit: number,
  ) {
    tapResponseWrites(response, (bytes) => this.keep(bytes));
  }

  private keep(bytes: Buffer): void {
    if (this.overflowed) return;
    if (this.size + bytes.length > this.limit) {
      this.overflowed = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
