import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type ModelRequest, type StreamEvent } from '../../core/ir/index.ts';
import type { ClientContext } from '../../core/dialect.ts';
import { Warnings } from '../../core/warnings.ts';
import { encodeResponse } from './encode-response.ts';
import { unsealReasoning } from '../shared/carried-reasoning.ts';
import { decodeRequest } from './decode-request.ts';
import { createStreamEncoder } from './stream-encoder.ts';
import { decodeEvents, decodeFixture, emptyRequest, exchangeContext, sseEventsOf } from '../../../test/support/dialects/gemini.ts';

/**
 * `@google/genai` is not installed, so the encoder's output is checked by parsing it with the
 * gateway's own spec-correct SSE decoder and Gemini stream decoder, plus the rules Gemini CLI
 * applies to every chunk (geminiChat.ts: a finishReason at the end, no empty text part unless
 * it carries a signature).
 */
function client(includeThoughts: boolean | 'not-asked' = true): ClientContext {
  const request: ModelRequest = emptyRequest(
    includeThoughts === 'not-asked' ? {} : { extensions: { gemini: { generationConfig: { thinkingConfig: { includeThoughts } } } } },
  );
  return { requestedModel: 'gemini-pro-alias', request, warnings: new Warnings(), requestId: 'req-1' };
}

function encode(events: StreamEvent[], context = client()): string {
  const encoder = createStreamEncoder(context);
  return [...events.flatMap((event) => encoder.push(event)), ...encoder.finish()].join('');
}

/** Parses our own output and checks what every Gemini client relies on. */
function chunksOf(text: string): Array<Record<string, any>> {
  assert.ok(text.endsWith('\r\n\r\n'), 'CRLF framing');
  assert.ok(!/[^\r]\n/.test(text), 'every line ends with CRLF');
  const chunks = sseEventsOf(text).map((event) => {
    assert.equal(event.event, undefined, 'no event: lines');
    return JSON.parse(event.data) as Record<string, any>;
  });
  chunks.forEach((chunk, position) => {
    if (chunk.error) {
      assert.equal(position, chunks.length - 1, 'an error chunk is last');
      return;
    }
    const candidate = chunk.candidates[0];
    assert.equal(chunk.modelVersion, 'gemini-pro-alias');
    for (const part of candidate.content.parts ?? []) {
      assert.ok(!(part.text === '' && part.thoughtSignature === undefined), 'no empty text part without a signature');
      if (part.functionCall) assert.equal(typeof part.functionCall.args, 'object');
    }
    assert.equal(candidate.finishReason !== undefined, position === chunks.length - 1, 'finishReason on the last chunk only');
  });
  return chunks;
}

function decodeText(text: string): StreamEvent[] {
  return decodeEvents(sseEventsOf(text));
}

/** The response as a Gemini client assembles it, ignoring what only the gateway knows. */
function comparable(events: StreamEvent[]) {
  const response = foldStream(events);
  return {
    content: response.content.map((block) => (block.type === 'tool-call' ? { ...block, callId: '' } : block)),
    finishReason: response.finishReason.unified,
    usage: response.usage,
  };
}

describe('Gemini stream encoder on recorded streams', () => {
  for (const name of [
    'text-stream.sse',
    'thoughts-include-thoughts.sse',
    'text-thought-signature-on-empty-part.jsonl',
    'function-call-thought-signature.sse',
    'function-call-gemini3.jsonl',
    'text-after-function-response.sse',
    'text-stream-max-tokens.recording.json',
    'vertex-stream-function-call-arguments.recording.json',
  ]) {
    test(`${name}: re-encoded stream decodes back to the same response`, () => {
      const original = decodeFixture(name, exchangeContext(emptyRequest({ tools: [{ kind: 'function', name: 'get_country' }] })));
      const text = encode(original);
      const chunks = chunksOf(text);
      assert.equal(chunks.at(-1)?.candidates[0].finishReason, foldStream(original).finishReason.raw);
      assert.deepEqual(comparable(decodeText(text)), comparable(original));
    });
  }

  test('a call is one whole part with its args object, id and signature; STOP ends it', () => {
    const text = encode(decodeFixture('function-call-gemini3.jsonl'));
    const chunks = chunksOf(text);
    assert.equal(chunks.length, 1);
    const part = chunks[0]?.candidates[0].content.parts[0];
    assert.deepEqual(part.functionCall.args, { location: 'San Francisco' });
    assert.match(part.functionCall.id, /^call_[0-9a-f]{24}$/);
    assert.ok(part.thoughtSignature.startsWith('EpEgCo4gAb4+9vvWwdN+NkNiCCwrqvFI8uf9IiD2A47Bm4Sga0kUTm4e'));
    assert.equal(chunks[0]?.candidates[0].finishReason, 'STOP');
    assert.deepEqual(chunks[0]?.usageMetadata, { promptTokenCount: 29, candidatesTokenCount: 15, totalTokenCount: 848, thoughtsTokenCount: 804 });
  });

  test('a streamed text signature lands on the last text part, not on an empty one', () => {
    const chunks = chunksOf(encode(decodeFixture('text-thought-signature-on-empty-part.jsonl')));
    const parts = chunks.flatMap((chunk) => chunk.candidates[0].content.parts ?? []);
    assert.equal(parts.length, 2);
    assert.equal(parts[0].thoughtSignature, undefined);
    assert.ok(parts[1].text.length > 0 && parts[1].thoughtSignature.startsWith('EqsFCqgFAb4'));
  });

  test('thought text is only sent to clients that asked includeThoughts', () => {
    const events = decodeFixture('thoughts-include-thoughts.sse');
    const thoughtParts = (context: ClientContext) =>
      chunksOf(encode(events, context))
        .flatMap((chunk) => chunk.candidates[0].content.parts ?? [])
        .filter((part: { thought?: boolean }) => part.thought === true).length;
    assert.ok(thoughtParts(client(true)) > 0);
    assert.equal(thoughtParts(client(false)), 0);
    assert.equal(thoughtParts(client('not-asked')), 0);
  });
});

describe('Gemini stream encoder rules', () => {
  const start: StreamEvent = { type: 'response-start', id: 'resp-9', model: 'claude-x', createdAt: 1 };

  test('foreign blocks: namespaced calls are flattened, freeform input wrapped, foreign reasoning shown and its signature sealed onto the next call', () => {
    const text = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'reasoning', family: 'anthropic' } },
      { type: 'reasoning-delta', index: 0, delta: 'thinking', part: 0 },
      { type: 'block-end', index: 0, block: { type: 'reasoning', family: 'anthropic', summary: ['thinking'], signature: 'anthropic-secret' } },
      { type: 'block-start', index: 1, block: { kind: 'tool-call', callId: 'toolu_1', name: 'spawn', namespace: 'agents', toolKind: 'function' } },
      { type: 'tool-call-delta', index: 1, delta: '{"task":' },
      { type: 'tool-call-delta', index: 1, delta: '"x"}' },
      {
        type: 'block-end',
        index: 1,
        block: { type: 'tool-call', callId: 'toolu_1', name: 'spawn', namespace: 'agents', kind: 'function', input: '{"task":"x"}' },
      },
      { type: 'block-start', index: 2, block: { kind: 'tool-call', callId: 'toolu_2', name: 'apply_patch', toolKind: 'custom' } },
      { type: 'block-end', index: 2, block: { type: 'tool-call', callId: 'toolu_2', name: 'apply_patch', kind: 'custom', input: '*** Begin Patch' } },
      {
        type: 'response-end',
        finishReason: { unified: 'tool_calls', raw: 'tool_use' },
        usage: { inputTokens: 10, cachedInputTokens: 2, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 3 },
      },
    ]);
    const chunks = chunksOf(text);
    const sealed = chunks[1]?.candidates[0].content.parts[0].thoughtSignature as string;
    assert.deepEqual(unsealReasoning(sealed), [{ type: 'reasoning', family: 'anthropic', summary: ['thinking'], signature: 'anthropic-secret' }]);
    assert.deepEqual(
      chunks.map((chunk) => chunk.candidates[0].content.parts),
      [
        [{ text: 'thinking', thought: true }],
        [{ functionCall: { name: 'agents__spawn', args: { task: 'x' }, id: 'toolu_1' }, thoughtSignature: sealed }],
        [{ functionCall: { name: 'apply_patch', args: { input: '*** Begin Patch' }, id: 'toolu_2' } }],
      ],
    );
    assert.equal(chunks.at(-1)?.candidates[0].finishReason, 'STOP');
    assert.deepEqual(chunks.at(-1)?.usageMetadata, {
      promptTokenCount: 10,
      candidatesTokenCount: 4,
      totalTokenCount: 17,
      cachedContentTokenCount: 2,
      thoughtsTokenCount: 3,
    });
    assert.equal(chunks[0]?.responseId, 'resp-9');
  });

  test('a response with no content still ends with a finishReason chunk', () => {
    const chunks = chunksOf(encode([start, { type: 'response-end', finishReason: { unified: 'length', raw: 'max_tokens' } }]));
    assert.deepEqual(chunks, [
      {
        candidates: [{ content: { role: 'model' }, index: 0, finishReason: 'MAX_TOKENS' }],
        usageMetadata: { promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 },
        modelVersion: 'gemini-pro-alias',
        responseId: 'resp-9',
      },
    ]);
  });

  test('an error after the first chunk flushes what was held back, then writes a Google error chunk', () => {
    const text = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'text' } },
      { type: 'text-delta', index: 0, delta: 'Hel' },
      { type: 'text-delta', index: 0, delta: 'lo' },
      { type: 'error', error: { code: 'provider_overloaded', message: 'Overloaded' } },
    ]);
    const chunks = chunksOf(text);
    assert.deepEqual(
      chunks.map((chunk) => chunk.candidates?.[0].content.parts[0].text ?? chunk.error),
      ['Hel', 'lo', { code: 503, message: 'Overloaded', status: 'UNAVAILABLE' }],
    );
    // Our own decoder reads the error chunk back as an error.
    const back = decodeText(text).at(-1);
    assert.ok(back?.type === 'error' && back.error.code === 'provider_overloaded');
  });

  test('a stream that stops without an end is reported as an error chunk', () => {
    const chunks = chunksOf(encode([start, { type: 'block-start', index: 0, block: { kind: 'text' } }, { type: 'text-delta', index: 0, delta: 'partial' }]));
    assert.equal(chunks.at(-1)?.error.status, 'UNAVAILABLE');
    assert.equal(chunks[0]?.candidates[0].content.parts[0].text, 'partial');
  });

  test('encodeResponse (unary) matches the folded stream', () => {
    const events = decodeFixture('thoughts-include-thoughts.sse');
    const context = client(true);
    const unary = encodeResponse(foldStream(events), context) as Record<string, any>;
    const streamed = chunksOf(encode(events, context));
    const streamedText = streamed
      .flatMap((chunk) => chunk.candidates[0].content.parts ?? [])
      .map((part: { text?: string }) => part.text ?? '')
      .join('');
    assert.equal(unary.candidates[0].content.parts.map((part: { text?: string }) => part.text ?? '').join(''), streamedText);
    assert.equal(unary.candidates[0].finishReason, 'STOP');
    assert.deepEqual(unary.usageMetadata, streamed.at(-1)?.usageMetadata);
    assert.equal(unary.modelVersion, 'gemini-pro-alias');
    assert.equal(unary.responseId, 'beHBaJfEMIi-qtsP3769-Q8');
  });
  test('OpenAI reasoning left at the end rides on an empty signed text part; the request decoder gives the blocks back before the part', () => {
    const reasoning = { type: 'reasoning' as const, family: 'openai' as const, itemId: 'rs_1', summary: [], encryptedContent: 'gAAAA-blob' };
    const text = encode([
      start,
      { type: 'block-start', index: 0, block: { kind: 'text' } },
      { type: 'text-delta', index: 0, delta: 'Hi.' },
      { type: 'block-end', index: 0, block: { type: 'text', text: 'Hi.' } },
      { type: 'block-start', index: 1, block: { kind: 'reasoning', family: 'openai' } },
      { type: 'block-end', index: 1, block: reasoning },
      { type: 'response-end', finishReason: { unified: 'stop' } },
    ]);
    const parts = chunksOf(text).flatMap((chunk) => chunk.candidates[0].content.parts ?? []);
    assert.equal(parts.length, 2);
    assert.deepEqual(parts[0], { text: 'Hi.' });
    assert.equal(parts[1].text, '');
    const decoded = decodeRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'q' }] },
          { role: 'model', parts },
          { role: 'user', parts: [{ text: 'more' }] },
        ],
      },
      new Warnings(),
    );
    const model = decoded.messages.find((message) => message.role === 'assistant');
    assert.deepEqual(model?.content, [{ type: 'text', text: 'Hi.' }, reasoning, { type: 'text', text: '' }]);
  });

  test('an envelope this gateway did not seal is dropped with a warning, never replayed as a Gemini signature', () => {
    const warnings = new Warnings();
    const forged = 'sy1.eyJyIjpbXX0.AAAAAAAAAAAAAAAAAAAAAA';
    const decoded = decodeRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'q' }] },
          { role: 'model', parts: [{ functionCall: { name: 'f', args: {}, id: 'c1' }, thoughtSignature: forged }] },
          { role: 'user', parts: [{ functionResponse: { name: 'f', id: 'c1', response: {} } }] },
        ],
      },
      warnings,
    );
    assert.doesNotMatch(JSON.stringify(decoded.messages), /sy1\./);
    assert.ok(warnings.list.some((warning) => warning.code === 'reasoning_dropped'));
  });
});
