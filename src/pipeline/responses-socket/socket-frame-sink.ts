import { SseDecoder } from '../../core/sse-decoder.ts';
import type { ExchangeSink } from '../exchange/exchange-response.ts';

/** The socket as a frame sink sees it: text frames out, with a callback once each is handed to the OS. */
export interface FrameChannel {
  send(text: string, done: (error?: Error) => void): void;
}

/** Answer headers an in-band error frame carries (Codex reads the delay and the retry verdict from them). */
const errorFrameHeaders = [
  'retry-after',
  'x-should-retry',
  'x-request-id',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
];

/**
 * Turns the pipe's HTTP answer into WebSocket frames: a 200 stream becomes one text frame per
 * SSE event (exactly its `data:` payload, `sequence_number` and all; comments are dropped); an
 * error answer becomes one in-band error frame in the shape Codex's WebSocket client maps back
 * to an HTTP error (`{"type":"error","status":…,"error":{…},"headers":{…}}`).
 */
export class SocketFrameSink implements ExchangeSink {
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly decoder = new SseDecoder();
  private readonly errorBody: Buffer[] = [];
  /** Frames sent for this answer. */
  frames = 0;

  constructor(private readonly channel: FrameChannel) {}

  head(status: number, headers: Record<string, string>): void {
    this.status = status;
    this.headers = headers;
  }

  data(chunk: Buffer, done: (error?: Error | null) => void): void {
    if (this.status !== 200) {
      this.errorBody.push(chunk);
      return done();
    }
    this.sendEvents(
      this.decoder.push(chunk).map((event) => event.data),
      done,
    );
  }

  end(): void {
    if (this.status === 200)
      return this.sendEvents(
        this.decoder.finish().map((event) => event.data),
        () => undefined,
      );
    this.sendEvents([errorFrame(this.status, Buffer.concat(this.errorBody).toString('utf8'), this.headers)], () => undefined);
  }

  private sendEvents(payloads: string[], done: (error?: Error | null) => void): void {
    const frames = payloads.filter((payload) => payload !== '' && payload !== '[DONE]');
    if (frames.length === 0) return done();
    frames.forEach((frame, index) => {
      this.frames++;
      this.channel.send(frame, index === frames.length - 1 ? (error) => done(error ?? null) : () => undefined);
    });
  }
}

/** The in-band error frame for an HTTP error answer (its OpenAI `error` object kept as it was). */
export function errorFrame(status: number, body: string, headers: Record<string, string>): string {
  let error: unknown;
  try {
    error = (JSON.parse(body) as { error?: unknown }).error;
  } catch {
    error = undefined;
  }
  const picked: Record<string, string> = {};
  for (const name of errorFrameHeaders) if (headers[name] !== undefined) picked[name] = headers[name];
  return JSON.stringify({
    type: 'error',
    status,
    error: error ?? { type: 'server_error', code: 'server_error', message: `The gateway answered HTTP ${status}.`, param: null },
    headers: picked,
  });
}
