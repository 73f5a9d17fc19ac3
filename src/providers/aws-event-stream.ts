import { EventStreamCodec } from '@smithy/eventstream-codec';
import { GatewayError } from '../core/errors.ts';
import type { StreamReframer } from './provider-transport.ts';

export interface AwsStreamMessage {
  /** `:message-type`: `event` or `exception` (`error` for service faults). */
  messageType: string;
  /** `:event-type` of an event, `:exception-type` of an exception (`:error-code` of an error). */
  type: string;
  payload: unknown;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const codec = new EventStreamCodec(
  (bytes) => decoder.decode(bytes),
  (text) => encoder.encode(text),
);
/** A message this large is not a model stream (AWS caps event-stream messages at 16 MiB). */
const maxMessageBytes = 16 * 1024 * 1024;

/**
 * `application/vnd.amazon.eventstream` (prelude with total length, headers, payload, CRCs)
 * decoded by @smithy/eventstream-codec, one message at a time, into SSE bytes written by
 * `toSse` (the provider type decides what an event becomes).
 */
export function createAwsEventStreamReframer(providerName: string, toSse: (message: AwsStreamMessage) => string): StreamReframer {
  let pending: Buffer = Buffer.alloc(0);
  const drain = (): Buffer => {
    let out = '';
    while (pending.length >= 4) {
      const total = pending.readUInt32BE(0);
      if (total < 16 || total > maxMessageBytes) throw broken(providerName, `an event-stream message of ${total} bytes`);
      if (pending.length < total) break;
      const bytes = pending.subarray(0, total);
      pending = pending.subarray(total);
      let message: ReturnType<EventStreamCodec['decode']>;
      try {
        message = codec.decode(bytes);
      } catch (cause) {
        throw broken(providerName, 'an event-stream message that does not decode', cause);
      }
      const header = (name: string) => {
        const value = message.headers[name]?.value;
        return typeof value === 'string' ? value : undefined;
      };
      const messageType = header(':message-type') ?? 'event';
      const type = (messageType === 'event' ? header(':event-type') : messageType === 'exception' ? header(':exception-type') : header(':error-code')) ?? '';
      const text = decoder.decode(message.body);
      let payload: unknown = text;
      try {
        payload = text.length > 0 ? JSON.parse(text) : {};
      } catch {
        // an exception's payload may be plain text: kept as a string
      }
      out += toSse({ messageType, type, payload });
    }
    return Buffer.from(out);
  };
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      return drain();
    },
    finish() {
      if (pending.length > 0) throw broken(providerName, `a stream cut inside an event-stream message (${pending.length} bytes left)`);
      return Buffer.alloc(0);
    },
  };
}

function broken(providerName: string, what: string, cause?: unknown): GatewayError {
  return new GatewayError({ code: 'provider_bad_response', message: `Provider "${providerName}" sent ${what}.`, ...(cause ? { cause } : {}) });
}

/** One SSE event: `event: <name>` and the JSON on one `data:` line. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
