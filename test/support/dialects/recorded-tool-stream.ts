import type { StreamEvent } from '../../../src/core/ir/index.ts';
import { createStreamDecoder } from '../../../src/dialects/anthropic-messages/stream-decoder.ts';
import { exchangeContext, sseEventsOf, sseTextOf } from './anthropic-messages.ts';

/**
 * The recorded Anthropic stream `tool-use-input-json-delta.sse` (a text block, then a tool call
 * streamed as four `input_json_delta` parts), with the text and the four argument parts
 * replaced, decoded to IR events: real framing, test-chosen content.
 */
export function recordedToolStream(text: string, argumentParts: readonly [string, string, string, string]): StreamEvent[] {
  const sse = sseTextOf('tool-use-input-json-delta.sse')
    .replace(`"'ll check the current weather in Paris for you."`, JSON.stringify(text))
    .replace('"{\\"locati"', JSON.stringify(argumentParts[0]))
    .replace('"on\\": \\"P"', JSON.stringify(argumentParts[1]))
    .replace('"ar"', JSON.stringify(argumentParts[2]))
    .replace('"is\\"}"', JSON.stringify(argumentParts[3]));
  const decoder = createStreamDecoder(exchangeContext());
  return [...sseEventsOf(sse).flatMap((event) => decoder.push(event)), ...decoder.finish()];
}

/** The same events with each block's deltas re-cut at the given offsets (into that block's joined text). */
export function rechunk(events: StreamEvent[], cuts: (blockText: string) => number[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  let pending: { type: 'text-delta' | 'tool-call-delta'; index: number; text: string } | undefined;
  const flush = () => {
    if (!pending) return;
    const points = [0, ...cuts(pending.text).filter((point) => point > 0 && point < pending!.text.length), pending.text.length].sort((a, b) => a - b);
    for (let index = 1; index < points.length; index++) {
      const delta = pending.text.slice(points[index - 1], points[index]);
      if (delta) out.push({ type: pending.type, index: pending.index, delta });
    }
    pending = undefined;
  };
  for (const event of events) {
    if (event.type === 'text-delta' || event.type === 'tool-call-delta') {
      if (pending && (pending.type !== event.type || pending.index !== event.index)) flush();
      pending ??= { type: event.type, index: event.index, text: '' };
      pending.text += event.delta;
      continue;
    }
    flush();
    out.push(event);
  }
  flush();
  return out;
}
