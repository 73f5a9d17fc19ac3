import type { ServerResponse } from 'node:http';

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
    const write = response.write.bind(response) as (...args: unknown[]) => boolean;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.write = ((chunk: unknown, ...rest: unknown[]) => {
      this.keep(chunk);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    response.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') this.keep(chunk);
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
  }

  private keep(chunk: unknown): void {
    if (chunk === undefined || chunk === null || this.overflowed) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk instanceof Uint8Array ? Buffer.from(chunk) : undefined;
    if (!bytes) return;
    if (this.size + bytes.length > this.limit) {
      this.overflowed = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
