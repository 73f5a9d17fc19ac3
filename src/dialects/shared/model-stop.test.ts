/**
 * Refusals and safety stops end the same way on every client surface, per provider × client
 * pair, stream and non-stream, through the real decoders and encoders (and OpenAI's schema
 * for the OpenAI surfaces): an Anthropic `refusal` is a refusal (Responses `refusal` part,
 * Chat `content_filter` + `refusal`), a Gemini `SAFETY` / `RECITATION` is a content-filter stop,
 * and a Gemini `MALFORMED_FUNCTION_CALL` is a failure, never an empty normal completion.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../core/errors.ts';
import { foldStream, type ModelResponse, type StreamEvent } from '../../core/ir/index.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import { AnthropicStreamDecoder } from '../anthropic-messages/stream-decoder.ts';
import { decodeResponse as decodeAnthropic } from '../anthropic-messages/decode-response.ts';
import { encodeResponse as encodeAnthropic } from '../anthropic-messages/encode-response.ts';
import { AnthropicStreamEncoder } from '../anthropic-messages/stream-encoder.ts';
import { decodeResponse as decodeGemini } from '../gemini/decode-response.ts';
import { GeminiStreamDecoder } from '../gemini/stream-decoder.ts';
import { encodeResponse as encodeChat } from '../openai-chat/encode-response.ts';
import { ChatStreamEncoder } from '../openai-chat/stream-encoder.ts';
import { encodeResponse as encodeResponses } from '../openai-responses/encode-response.ts';
import { ResponsesStreamEncoder } from '../openai-responses/stream-encoder.ts';
import * as anthropic from '../../../test/support/dialects/anthropic-messages.ts';
import * as gemini from '../../../test/support/dialects/gemini.ts';
import { clientContext, parseSse, run } from '../../../test/support/dialects/openai-responses.ts';
import { assertMatchesOpenAiSchema, assertValidChatChunks, assertValidResponsesEvents } from '../../../test/support/openai-schema.ts';

type Json = Record<string, any>;

const anthropicSse = (events: Json[]): SseEvent[] => events.map((data) => ({ event: data.type as string, data: JSON.stringify(data) }));
const geminiSse = (chunks: Json[]): SseEvent[] => chunks.map((data) => ({ data: JSON.stringify(data) }));

/** An Anthropic refusal: a little text, then `stop_reason: "refusal"`. */
const anthropicRefusalStream = anthropicSse([
  {
    type: 'message_start',
    message: {
      id: 'msg_r',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [],
      stop_reason: null,
      usage: { input_tokens: 9, output_tokens: 1 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'I' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'refusal', stop_sequence: null }, usage: { output_tokens: 2 } },
  { type: 'message_stop' },
]);
const anthropicRefusalBody = {
  id: 'msg_r',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [],
  stop_reason: 'refusal',
  stop_sequence: null,
  usage: { input_tokens: 9, output_tokens: 0 },
};

const geminiUsage = { promptTokenCount: 5, candidatesTokenCount: 1, totalTokenCount: 6 };
const geminiStop = (finishReason: string, parts: Json[] = []): Json => ({
  candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
  usageMetadata: geminiUsage,
  modelVersion: 'gemini-3-pro-preview',
  responseId: 'g1',
});

function fromAnthropicStream(): StreamEvent[] {
  return run(new AnthropicStreamDecoder(anthropic.exchangeContext()), anthropicRefusalStream);
}

function fromGeminiStream(finishReason: string): StreamEvent[] {
  const first = { candidates: [{ content: { role: 'model', parts: [{ text: 'Here' }] }, index: 0 }], modelVersion: 'gemini-3-pro-preview', responseId: 'g1' };
  return run(new GeminiStreamDecoder(gemini.exchangeContext()), geminiSse([first, geminiStop(finishReason)]));
}

/** The Responses events for IR events, checked against OpenAI's schema. */
function responsesEvents(events: readonly StreamEvent[]): Json[] {
  const data = parseSse(run(new ResponsesStreamEncoder(clientContext()), events)).map((event) => event.data);
  assertValidResponsesEvents(data);
  return data;
}

/** The Chat payloads for IR events, checked against OpenAI's schema. */
function chatPayloads(events: readonly StreamEvent[]): Json[] {
  const frames = run(new ChatStreamEncoder(clientContext()), events);
  const data = frames.map((frame) => frame.replace(/^data: /, '').trim()).filter((line) => line !== '[DONE]');
  assertValidChatChunks(data);
  return data.map((line) => JSON.parse(line));
}

function anthropicEvents(events: readonly StreamEvent[]): Json[] {
  return run(new AnthropicStreamEncoder(clientContext()), events).map((frame) => JSON.parse(frame.split('\ndata: ')[1]!));
}

function responsesBody(response: ModelResponse): Json {
  const body = encodeResponses(response, clientContext());
  assertMatchesOpenAiSchema('Response', body);
  return body;
}

function chatBody(response: ModelResponse): Json {
  const body = encodeChat(response, clientContext());
  assertMatchesOpenAiSchema('CreateChatCompletionResponse', body);
  return body as unknown as Json;
}

const refusalParts = (output: Json[]) =>
  output.flatMap((item) => (item.type === 'message' ? item.content : [])).filter((part: Json) => part.type === 'refusal');

describe('Anthropic stop_reason "refusal"', () => {
  test('→ Responses stream: a refusal part after the text, response.completed', () => {
    const events = responsesEvents(fromAnthropicStream());
    const last = events.at(-1)!;
    assert.equal(last.type, 'response.completed');
    assert.deepEqual(
      refusalParts(last.response.output).map((part: Json) => part.refusal),
      ['The model declined to answer (stop reason: refusal).'],
    );
    assert.ok(events.some((event) => event.type === 'response.refusal.done'));
  });

  test('→ Responses non-stream: a refusal part even with no content at all', () => {
    const body = responsesBody(decodeAnthropic(anthropicRefusalBody, anthropic.exchangeContext()));
    assert.equal(body.status, 'completed');
    assert.equal(refusalParts(body.output).length, 1);
  });

  test('→ Chat stream: a refusal delta and finish_reason content_filter', () => {
    const payloads = chatPayloads(fromAnthropicStream());
    const deltas = payloads.flatMap((chunk) => chunk.choices.map((choice: Json) => choice.delta));
    assert.equal(deltas.map((delta: Json) => delta.refusal ?? '').join(''), 'The model declined to answer (stop reason: refusal).');
    assert.equal(payloads.at(-1)?.choices[0].finish_reason, 'content_filter');
  });

  test('→ Chat non-stream: message.refusal and content_filter', () => {
    const body = chatBody(decodeAnthropic(anthropicRefusalBody, anthropic.exchangeContext()));
    assert.equal(body.choices[0].finish_reason, 'content_filter');
    assert.match(body.choices[0].message.refusal, /declined/);
  });

  test('→ an OpenAI refusal that ended normally stays finish_reason stop on Chat', () => {
    const response: ModelResponse = {
      id: 'x',
      model: 'm',
      createdAt: 1,
      content: [{ type: 'refusal', text: 'No.' }],
      finishReason: { unified: 'refusal', raw: 'completed' },
    };
    const body = chatBody(response);
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.equal(body.choices[0].message.refusal, 'No.');
    assert.equal(refusalParts(responsesBody(response).output).length, 1, 'no second refusal when the model wrote one');
  });
});

describe('Gemini SAFETY and RECITATION are content-filter stops everywhere', () => {
  for (const reason of ['SAFETY', 'RECITATION']) {
    test(`${reason} → Responses incomplete/content_filter, Chat content_filter, Anthropic refusal (stream)`, () => {
      const ir = fromGeminiStream(reason);
      const last = responsesEvents(ir).at(-1)!;
      assert.equal(last.type, 'response.incomplete');
      assert.deepEqual(last.response.incomplete_details, { reason: 'content_filter' });
      assert.equal(chatPayloads(ir).at(-1)?.choices[0].finish_reason, 'content_filter');
      assert.equal(anthropicEvents(ir).find((event) => event.type === 'message_delta')?.delta.stop_reason, 'refusal');
    });

    test(`${reason} → the same in non-stream bodies, even with no parts`, () => {
      const response = decodeGemini(geminiStop(reason), gemini.exchangeContext());
      assert.equal(responsesBody(response).status, 'incomplete');
      assert.equal(chatBody(response).choices[0].finish_reason, 'content_filter');
      assert.equal(encodeAnthropic(response, clientContext()).stop_reason, 'refusal');
    });
  }
});

describe('Gemini MALFORMED_FUNCTION_CALL is a failure everywhere', () => {
  test('stream: Responses response.failed, Chat error payload, Anthropic error event, each naming the reason', () => {
    const ir = fromGeminiStream('MALFORMED_FUNCTION_CALL');
    const last = responsesEvents(ir).at(-1)!;
    assert.equal(last.type, 'response.failed');
    assert.match(last.response.error.message, /MALFORMED_FUNCTION_CALL/);
    const chat = chatPayloads(ir).at(-1)!;
    assert.equal(chat.choices, undefined);
    assert.match(chat.error.message, /MALFORMED_FUNCTION_CALL/);
    const anthropicLast = anthropicEvents(ir).at(-1)!;
    assert.equal(anthropicLast.type, 'error');
    assert.match(anthropicLast.error.message, /MALFORMED_FUNCTION_CALL/);
  });

  test('non-stream: Responses status failed; Chat and Anthropic an HTTP error (GatewayError provider_error)', () => {
    const response = decodeGemini(geminiStop('MALFORMED_FUNCTION_CALL'), gemini.exchangeContext());
    const body = responsesBody(response);
    assert.equal(body.status, 'failed');
    assert.match(body.error.message, /MALFORMED_FUNCTION_CALL/);
    const isModelError = (error: unknown) => error instanceof GatewayError && error.code === 'provider_error' && /MALFORMED_FUNCTION_CALL/.test(error.message);
    assert.throws(() => encodeChat(response, clientContext()), isModelError);
    assert.throws(() => encodeAnthropic(response, clientContext()), isModelError);
  });

  test('the IR keeps the raw reason for a Gemini client', () => {
    assert.deepEqual(foldStream(fromGeminiStream('MALFORMED_FUNCTION_CALL')).finishReason, { unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' });
  });
});
