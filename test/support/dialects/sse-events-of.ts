import { SseDecoder, type SseEvent } from '../../../src/core/sse-decoder.ts';

/** Decodes SSE text through the real SSE decoder, in byte chunks of `chunkSize` (whole by default). */
export function sseEventsOf(text: string, chunkSize = text.length): SseEvent[] {
  const decoder = new SseDecoder();
  const bytes = new TextEncoder().encode(text);
  const events: SseEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += Math.max(1, chunkSize))
    events.push(...decoder.push(bytes.subarray(offset, offset + Math.max(1, chunkSize))));
  events.push(...decoder.finish());
  return events;
}
