// The IR stream invariants every codec must keep, run by each dialect with one line
// (test/conformance/<dialect>.test.ts), in the manner of Hono's router/common.case.test.ts.
// Inputs are the dialect's recorded provider streams (test/fixtures/providers/<dialect>/) and
// captured client requests (test/fixtures/clients/): nothing here is written per dialect.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientContext, DialectCodec, ExchangeContext } from '../../src/core/dialect.ts';
import type { DialectId, ModelRequest, ModelResponse, ProviderFamily, StreamEvent } from '../../src/core/ir/index.ts';
import { foldStream } from '../../src/core/ir/index.ts';
import { SseDecoder } from '../../src/core/sse-decoder.ts';
import { ToolNameMap } from '../../src/core/tool-names.ts';
import { Warnings } from '../../src/core/warnings.ts';
import { dialectCodecs } from '../../src/dialects/registry.ts';
import { providerDescriptors } from '../../src/providers/registry.ts';
import { clientFixture, clientFixturePaths, type FixtureClient } from '../support/client-fixtures.ts';
import { providerFixtureBytes, providerFixtureNames, providerFixtureText } from '../support/provider-fixtures.ts';
import { createAwsEventStreamReframer } from '../../src/providers/aws-event-stream.ts';
import { converseToSse } from '../../src/providers/bedrock-converse-stream.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** Which captured client speaks which dialect. */
const clientsOf: Record<DialectId, FixtureClient[]> = {
  'openai-responses': ['codex'],
  'openai-chat': [],
  'anthropic-messages': ['claude-code'],
  gemini: ['gemini-cli'],
  'bedrock-converse': [],
};

/**
 * The SSE text of every successful recorded stream of a dialect. `.sse` files are the recorded
 * bytes; `.jsonl` / `.ndjson.txt` hold one data payload per line (re-framed, with an `event:`
 * line when the payload names its type, as Responses and Anthropic send it; a repeat of the
 * opening event type starts the next stream of a multi-stream file); js-genai `.recording.json`
 * files hold each interaction's parsed chunks; `.eventstream` files are recorded AWS event-stream
 * bytes (Bedrock ConverseStream), reframed into SSE as the Bedrock transport does.
 */
export function recordedStreams(dialect: DialectId): Array<{ name: string; text: string }> {
  const streams: Array<{ name: string; text: string }> = [];
  for (const name of providerFixtureNames(dialect)) {
    const raw = providerFixtureText(dialect, name);
    if (name.endsWith('.sse')) streams.push({ name, text: raw });
    else if (name.endsWith('.eventstream')) {
      const reframer = createAwsEventStreamReframer('fixture', converseToSse);
      const bytes = providerFixtureBytes(dialect, name);
      streams.push({ name, text: Buffer.concat([reframer.push(bytes), reframer.finish()]).toString('utf8') });
    } else if (name.endsWith('.jsonl') || name.endsWith('.ndjson.txt')) streams.push(...framedLines(name, raw));
    else if (name.endsWith('.recording.json')) streams.push(...recordingStreams(name, raw));
  }
  return streams;
}

function frame(payload: string): string {
  const type = (JSON.parse(payload) as { type?: unknown }).type;
  return `${typeof type === 'string' ? `event: ${type}\n` : ''}data: ${payload}\n\n`;
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function framedLines(name: string, raw: string): Array<{ name: string; text: string }> {
  // Documentation examples elide with a literal "...." line: not a payload.
  const lines = raw.split('\n').filter((line) => line.trim() !== '' && isJson(line));
  const typeOf = (line: string) => (JSON.parse(line) as { type?: unknown }).type;
  const opening = typeOf(lines[0] ?? '{}');
  const groups: string[][] = [];
  for (const line of lines) {
    if (groups.length === 0 || (typeof opening === 'string' && typeOf(line) === opening)) groups.push([]);
    groups.at(-1)!.push(line);
  }
  return groups.map((group, index) => ({ name: groups.length > 1 ? `${name} #${index + 1}` : name, text: group.map(frame).join('') }));
}

function recordingStreams(name: string, raw: string): Array<{ name: string; text: string }> {
  const recording = JSON.parse(raw) as { interactions: Array<{ response: { statusCode: number; bodySegments: unknown[] } }> };
  return recording.interactions
    .map((interaction, index) => ({ interaction, index }))
    .filter(({ interaction }) => interaction.response.statusCode === 200)
    .map(({ interaction, index }) => ({
      name: `${name} #${index + 1}`,
      text: interaction.response.bodySegments.map((segment) => frame(JSON.stringify(segment))).join(''),
    }));
}

/** Every request body of this dialect on record: captured from its clients and recorded beside provider streams (`*.request.json`). */
function recordedRequests(dialect: DialectId): Array<{ name: string; body: unknown }> {
  const captured = clientsOf[dialect].flatMap((client) =>
    clientFixturePaths(client).map((path) => ({ name: `${client}/${path}`, body: clientFixture<{ body: unknown }>(client, path).body })),
  );
  const recorded = providerFixtureNames(dialect)
    .filter((name) => name.endsWith('.request.json'))
    .map((name) => ({ name, body: JSON.parse(providerFixtureText(dialect, name)) as unknown }));
  return [...captured, ...recorded];
}

/** Dialects no provider type speaks by default but some models do (Bedrock Converse: Claude's family, whose signatures it carries). */
const modelFamilies: Partial<Record<DialectId, ProviderFamily>> = { 'bedrock-converse': 'anthropic' };

function familyOf(dialect: DialectId) {
  const family = modelFamilies[dialect];
  if (family) return family;
  const descriptor = Object.values(providerDescriptors).find((entry) => entry.dialect === dialect);
  assert.ok(descriptor, `a provider type speaks ${dialect}`);
  return descriptor.family;
}

function exchangeFor(dialect: DialectId, request: ModelRequest): ExchangeContext {
  return { request, target: { model: request.model, family: familyOf(dialect) }, toolNames: ToolNameMap.fromTools(request.tools), warnings: new Warnings() };
}

const streamRequest: ModelRequest = { model: 'conformance-model', system: [], messages: [], tools: [], stream: true, extensions: {} };

/** Decodes SSE text fed in the given chunks through the SSE decoder and the provider stream decoder. */
export function decodeChunks(codec: DialectCodec, dialect: DialectId, chunks: Iterable<Uint8Array>): StreamEvent[] {
  const sse = new SseDecoder();
  const decoder = codec.createStreamDecoder(exchangeFor(dialect, streamRequest));
  const events: StreamEvent[] = [];
  for (const chunk of chunks) for (const event of sse.push(chunk)) events.push(...decoder.push(event));
  for (const event of sse.finish()) events.push(...decoder.push(event));
  events.push(...decoder.finish());
  return events;
}

/** The ways the same bytes may arrive: whole, one byte at a time, and seeded random splits. */
export function* rechunkings(bytes: Uint8Array, seed: number): Generator<{ how: string; chunks: Uint8Array[] }> {
  yield { how: 'one byte at a time', chunks: Array.from(bytes, (_, index) => bytes.subarray(index, index + 1)) };
  const random = seededRandom(seed);
  for (let round = 0; round < 8; round++) {
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; ) {
      const size = 1 + Math.floor(random() * 64);
      chunks.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    yield { how: `random split ${round + 1} (seed ${seed})`, chunks };
  }
}

/**
 * The problems with an event sequence; empty when it keeps the IR stream contract
 * (core/ir/stream.ts): response-start first (or a lone error: the upstream failed before
 * answering, which lets the gateway still fall back), block-start before a block's deltas,
 * block-end for every block (except one cut off by the output cap: finish reason `length`),
 * dense indexes, one block open at a time, exactly one terminal event and nothing after it.
 */
export function streamProblems(events: readonly StreamEvent[]): string[] {
  const problems: string[] = [];
  const loneError = events.length === 1 && events[0]?.type === 'error';
  if (events[0]?.type !== 'response-start' && !loneError) problems.push(`starts with ${events[0]?.type ?? 'nothing'}, not response-start`);
  let open: number | undefined;
  let next = 0;
  let terminals = 0;
  events.forEach((event, position) => {
    const at = `event ${position} (${event.type})`;
    if (terminals > 0) problems.push(`${at} after the terminal event`);
    switch (event.type) {
      case 'response-start':
        if (position !== 0) problems.push(`${at}: a second response-start`);
        break;
      case 'block-start':
        if (open !== undefined) problems.push(`${at}: block ${event.index} opens while ${open} is open`);
        if (event.index !== next) problems.push(`${at}: index ${event.index}, expected ${next}`);
        open = event.index;
        next = event.index + 1;
        break;
      case 'text-delta':
      case 'reasoning-delta':
      case 'tool-call-delta':
        if (event.index !== open) problems.push(`${at}: delta for block ${event.index} while ${open ?? 'none'} is open`);
        break;
      case 'block-end':
        if (event.index !== open) problems.push(`${at}: closes ${event.index} while ${open ?? 'none'} is open`);
        open = undefined;
        break;
      case 'response-end':
        terminals++;
        if (open !== undefined && event.finishReason.unified !== 'length') problems.push(`${at}: block ${open} left open`);
        break;
      case 'error':
        terminals++;
        break;
      default:
        break;
    }
  });
  if (terminals !== 1) problems.push(`${terminals} terminal events (response-end or error), expected exactly one`);
  return problems;
}

/**
 * Ids a decoder makes up when the provider sends none (tool call ids, creation times) differ
 * from one decode to the next: numbered by first appearance, so two decodes compare equal when
 * they agree on everything else.
 */
export function withStableIds(events: readonly StreamEvent[]): unknown[] {
  const ids = new Map<string, string>();
  const stable = (id: string) => ids.get(id) ?? (ids.set(id, `id-${ids.size + 1}`), ids.get(id)!);
  return JSON.parse(JSON.stringify(events), (key, value) => {
    if (key === 'callId' && typeof value === 'string') return stable(value);
    if (key === 'createdAt' && typeof value === 'number') return 0;
    return value;
  });
}

/** What a client sees of a response: its blocks, why it finished and what it used. */
function observable(response: ModelResponse) {
  return { content: response.content, finishReason: response.finishReason.unified, usage: response.usage };
}

export interface ConformanceOptions {
  /** `extensions` of the client request the client stream encoder answers (e.g. Gemini's includeThoughts, without which thoughts are withheld). */
  clientExtensions?: ModelRequest['extensions'];
}

export function runCodecConformance(dialect: DialectId, options: ConformanceOptions = {}): void {
  const codec = dialectCodecs[dialect];
  const clientRequest: ModelRequest = { ...streamRequest, extensions: options.clientExtensions ?? {} };
  const streams = recordedStreams(dialect);

  describe(`${dialect} codec conformance`, () => {
    test('there are recorded streams to check', () => assert.ok(streams.length >= 3, `${streams.length} streams`));

    for (const [index, { name, text }] of streams.entries()) {
      const bytes = new TextEncoder().encode(text);
      const whole = decodeChunks(codec, dialect, [bytes]);

      test(`${name}: the provider stream decoder yields a well-formed event sequence`, () => {
        assert.deepEqual(streamProblems(whole), []);
      });

      test(`${name}: any re-chunking of the bytes decodes to the same events`, () => {
        for (const { how, chunks } of rechunkings(bytes, 1_000 + index))
          assert.deepEqual(withStableIds(decodeChunks(codec, dialect, chunks)), withStableIds(whole), how);
      });

      if (whole.at(-1)?.type === 'response-end') {
        test(`${name}: round trip through the client stream encoder and back folds to the same response`, () => {
          const response = foldStream(whole);
          const client: ClientContext = { requestedModel: response.model, request: clientRequest, warnings: new Warnings(), requestId: 'conformance' };
          const encoder = codec.createStreamEncoder(client);
          const encoded = [...whole.flatMap((event) => encoder.push(event)), ...encoder.finish()].join('');
          const again = decodeChunks(codec, dialect, [new TextEncoder().encode(encoded)]);
          assert.deepEqual(streamProblems(again), []);
          assert.deepEqual(withStableIds([observable(foldStream(again)) as never]), withStableIds([observable(response) as never]));
        });
      }
    }

    const requests = recordedRequests(dialect);
    for (const { name, body } of requests) {
      // The first pass may normalise (merge adjacent turns, drop empty parts); after it, a
      // request must be a fixed point: what the codec writes, it reads back to the same IR.
      test(`${name}: request round trip (decode → encode → decode) reaches a fixed point`, () => {
        const once = codec.encodeRequest(exchangeFor(dialect, codec.decodeRequest(body, new Warnings())));
        const request = codec.decodeRequest(once, new Warnings());
        const twice = codec.encodeRequest(exchangeFor(dialect, request));
        // The IR, not the bytes: an encoder may add provider-side settings (Anthropic's automatic
        // cache breakpoints) only when the request carries none of its own.
        assert.deepEqual(codec.decodeRequest(twice, new Warnings()), request);
      });
    }
  });
}
