import type { ExchangeContext, TargetProfile } from '../../../src/core/dialect.ts';
import type { ModelRequest, StreamEvent, ToolDefinition } from '../../../src/core/ir/index.ts';
import type { SseEvent } from '../../../src/core/sse-decoder.ts';
import { sseEventsOf } from './sse-events-of.ts';
import { emptyRequestFor, exchangeContextFor } from './exchange-context.ts';
import { Warnings } from '../../../src/core/warnings.ts';
import { asClientFixtureName, clientFixtureText } from '../client-fixtures.ts';
import { createStreamDecoder } from '../../../src/dialects/gemini/stream-decoder.ts';
import { providerFixtureText } from '../provider-fixtures.ts';

export function readFixture(name: string): string {
  const client = asClientFixtureName(name);
  if (client) return clientFixtureText(...client);
  return providerFixtureText('gemini', name);
}

export function readJsonFixture<T = any>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}

interface Recording {
  interactions: Array<{ request: { bodySegments: unknown[] }; response: { statusCode: number; bodySegments: unknown[] } }>;
}

/** A js-genai replay recording: one interaction's request body and response segments. */
export function recordingOf(name: string, interaction = 0): { request: unknown; status: number; segments: unknown[] } {
  const found = readJsonFixture<Recording>(name).interactions[interaction];
  if (!found) throw new Error(`${name} has no interaction ${interaction}`);
  return { request: found.request.bodySegments[0], status: found.response.statusCode, segments: found.response.bodySegments };
}

/**
 * The SSE bytes of a wire fixture. `.sse` files are the recorded bytes; `.jsonl` files hold one
 * chunk per line and recordings hold parsed segments: both are framed the way Gemini frames
 * them (`data: …` and CRLF CRLF).
 */
export function sseTextOf(name: string, interaction = 0): string {
  if (name.endsWith('.sse')) return readFixture(name);
  const chunks = name.endsWith('.jsonl')
    ? readFixture(name)
        .split('\n')
        .filter((line) => line.trim() !== '')
    : recordingOf(name, interaction).segments.map((segment) => JSON.stringify(segment));
  return chunks.map((chunk) => `data: ${chunk}\r\n\r\n`).join('');
}

export { sseEventsOf };

/** The parsed chunks of a fixture, read independently of the codec. */
export function chunksOf(name: string, interaction = 0): Array<Record<string, any>> {
  return sseEventsOf(sseTextOf(name, interaction)).map((event) => JSON.parse(event.data) as Record<string, any>);
}

/** Every part of every chunk, in order. */
export function partsOf(name: string, interaction = 0): Array<Record<string, any>> {
  return chunksOf(name, interaction).flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
}

export function emptyRequest(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return emptyRequestFor('gemini-3-pro-preview', overrides);
}

export function exchangeContext(
  request: ModelRequest = emptyRequest(),
  target: Partial<TargetProfile> = {},
  tools: ToolDefinition[] = request.tools,
): ExchangeContext {
  return exchangeContextFor({ model: 'gemini-3-pro-preview', family: 'gemini' }, request, target, tools);
}

export function decodeEvents(events: SseEvent[], context = exchangeContext()): StreamEvent[] {
  const decoder = createStreamDecoder(context);
  return [...events.flatMap((event) => decoder.push(event)), ...decoder.finish()];
}

export function decodeFixture(name: string, context = exchangeContext(), chunkSize?: number, interaction = 0): StreamEvent[] {
  return decodeEvents(sseEventsOf(sseTextOf(name, interaction), chunkSize), context);
}

export function warningCodes(context: { warnings: Warnings }): string[] {
  return context.warnings.list.map((warning) => warning.code);
}

/** Checks the IR sequence invariants: start first, dense indexes, one open block at a time, one terminal event last. */
export function assertWellFormed(events: StreamEvent[], assert: { equal: (a: unknown, b: unknown, message?: string) => void }): void {
  assert.equal(events[0]?.type, 'response-start');
  let open: number | undefined;
  let next = 0;
  events.forEach((event, position) => {
    if (event.type === 'block-start') {
      assert.equal(open, undefined, 'a block opened while another was open');
      assert.equal(event.index, next++);
      open = event.index;
    } else if (event.type === 'block-end') {
      assert.equal(event.index, open);
      open = undefined;
    } else if (event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'tool-call-delta') {
      assert.equal(event.index, open);
    } else if (event.type === 'response-end' || event.type === 'error') {
      assert.equal(position, events.length - 1, 'the terminal event is last');
      if (event.type === 'response-end') assert.equal(open, undefined, 'no block left open at the end');
    }
  });
}
