import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type DialectId, type ModelRequest, type StreamEvent } from '../../src/core/ir/index.ts';
import type { ClientContext } from '../../src/core/dialect.ts';
import { SseDecoder } from '../../src/core/sse-decoder.ts';
import { Warnings } from '../../src/core/warnings.ts';
import { GatewayError } from '../../src/core/errors.ts';
import { dialectCodecs } from '../../src/dialects/registry.ts';
import { decodeChunks, recordedStreams } from './codec-conformance.ts';
import { assertMatchesOpenAiSchema, assertValidChatChunks, assertValidResponsesEvents } from '../support/openai-schema.ts';

// Done-when of issue 15: every event the translated Responses and Chat paths emit validates
// against OpenAI's published schema. Every recorded stream of every other provider dialect
// (test/fixtures/providers/) is decoded and written by the Responses and Chat client encoders,
// streamed and whole; the oracle's only relaxations are the named rules in
// test/support/openai-schema.ts (docs/translation-gaps.md).
const providers: DialectId[] = ['anthropic-messages', 'gemini', 'openai-chat', 'openai-responses'];
const clients = ['openai-responses', 'openai-chat'] as const;
const request: ModelRequest = { model: 'schema-check', system: [], messages: [], tools: [], stream: true, extensions: {} };

function dataOf(text: string): string[] {
  const decoder = new SseDecoder();
  return [...decoder.push(new TextEncoder().encode(text)), ...decoder.finish()].map((event) => event.data).filter((data) => data !== '');
}

for (const client of clients) {
  describe(`translated to ${client}: OpenAI's schema accepts every event`, () => {
    let checked = 0;
    for (const provider of providers.filter((dialect) => dialect !== client)) {
      for (const { name, text } of recordedStreams(provider)) {
        const events: StreamEvent[] = decodeChunks(dialectCodecs[provider], provider, [new TextEncoder().encode(text)]);
        test(`${provider}/${name}`, () => {
          const context: ClientContext = { requestedModel: 'alias', request, warnings: new Warnings(), requestId: 'schema' };
          const encoder = dialectCodecs[client].createStreamEncoder(context);
          const data = dataOf([...events.flatMap((event) => encoder.push(event)), ...encoder.finish()].join(''));
          if (client === 'openai-responses') assertValidResponsesEvents(data, `${provider}/${name}`);
          else assertValidChatChunks(data, `${provider}/${name}`);
          if (events.at(-1)?.type === 'response-end') {
            try {
              const body = dialectCodecs[client].encodeResponse(foldStream(events), { ...context, request: { ...request, stream: false } });
              assertMatchesOpenAiSchema(client === 'openai-responses' ? 'Response' : 'CreateChatCompletionResponse', body, `${provider}/${name} (whole)`);
            } catch (error) {
              // A model stop with no answer is an HTTP error on the Chat surface (translation-gaps.md).
              if (!(error instanceof GatewayError)) throw error;
            }
          }
          checked++;
        });
      }
    }
    test('streams were checked', () => assert.ok(checked >= 10, `${checked} streams`));
  });
}
