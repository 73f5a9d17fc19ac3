import { SseDecoder, type SseEvent } from '../../core/sse-decoder.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import type { Usage } from '../../core/ir/index.ts';
import type { PassthroughMeter } from '../../core/passthrough-meter.ts';

/**
 * The shared half of every passthrough meter: an SSE decoder over a copy of the forwarded
 * bytes. Subclasses look at each event (`observe`) and know their dialect's terminal events
 * and failure framing.
 */
export abstract class SseMeter implements PassthroughMeter {
  private readonly decoder = new SseDecoder();
  protected events = 0;
  usage: Usage | undefined;
  terminal: 'completed' | 'incomplete' | 'failed' | undefined;
  outputChars = 0;

  push(chunk: Uint8Array): void {
    this.observeAll(this.decoder.push(chunk));
  }

  finish(): void {
    this.observeAll(this.decoder.finish());
  }

  /** Decodes a chunk (or, with none, what the decoder still holds) and observes its events. */
  protected decodeAndObserve(chunk: Uint8Array | undefined): SseEvent[] {
    const events = chunk ? this.decoder.push(chunk) : this.decoder.finish();
    this.observeAll(events);
    return events;
  }

  private observeAll(events: SseEvent[]): void {
    for (const event of events) {
      this.events++;
      this.observe(event.event, event.data);
    }
  }

  protected abstract observe(name: string | undefined, data: string): void;
  abstract encodeFailure(error: GatewayErrorShape): string;
}

/** JSON.parse that answers undefined for a malformed payload (a meter never throws). */
export function parseOrUndefined(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
