import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/** Where an in-process exchange's answer goes: its head once, then its body bytes, then the end. */
export interface ExchangeSink {
  head(status: number, headers: Record<string, string>): void;
  /** Body bytes; `done` is called when the sink can take more (backpressure). */
  data(chunk: Buffer, done: (error?: Error | null) => void): void;
  end(): void;
}

/**
 * The part of `ServerResponse` the pipe uses (head, headers, write/end with backpressure,
 * `close` when the far side goes away), delivering to a sink instead of a socket. Lets a
 * WebSocket frame or an internal call run through the very same pipe as an HTTP request.
 */
export class ExchangeResponse extends Writable {
  statusCode = 200;
  private readonly headerMap = new Map<string, OutgoingHttpHeader>();
  private sentHead = false;

  constructor(private readonly sink: ExchangeSink) {
    super({ decodeStrings: true });
  }

  /** The pipe takes a `ServerResponse`; this object is one in every member the pipe touches. */
  asServerResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }

  get headersSent(): boolean {
    return this.sentHead;
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    this.headerMap.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.headerMap.get(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.headerMap.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headerMap.delete(name.toLowerCase());
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) this.setHeader(name, value);
    this.flushHeaders();
    return this;
  }

  flushHeaders(): void {
    if (this.sentHead) return;
    this.sentHead = true;
    const flat: Record<string, string> = {};
    for (const [name, value] of this.headerMap) flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
    this.sink.head(this.statusCode, flat);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.flushHeaders();
    this.sink.data(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushHeaders();
    this.sink.end();
    callback();
  }
}
