import type { ServerResponse } from 'node:http';
import { tapResponseWrites } from './tap-response-writes.ts';

/** Logged bodies are for reading a request's story, not for archiving: longer ones are cut. */
export const loggedBodyLimit = 256 * 1024;

/**
 * Keeps a bounded copy of what is written to the client (JSON or stream bytes) for the log's
 * `response_body`, when body logging is on. It taps the response's own `write` and `end`, so
 * every path (passthrough, translated, errors) is captured without knowing about it.
 */
export class ResponseBodyCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  constructor(
    response: ServerResponse,
    private readonly limit = loggedBodyLimit,
  ) {
    tapResponseWrites(response, (bytes) => this.keep(bytes));
  }

  private keep(bytes: Buffer): void {
    if (this.truncated) return;
    const room = this.limit - this.size;
    if (bytes.length > room) {
      this.chunks.push(Buffer.from(bytes.subarray(0, room)));
      this.size = this.limit;
      this.truncated = true;
      return;
    }
    this.chunks.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  /** The captured text, with a marker when it was cut; null when nothing was written. */
  text(): string | null {
    if (this.size === 0) return null;
    const text = Buffer.concat(this.chunks, this.size).toString('utf8');
    return this.truncated ? `${text}\n[truncated at ${this.limit} bytes]` : text;
  }
}
