import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStream, type StreamEvent } from '../../core/ir/index.ts';
import { GatewayError } from '../../core/errors.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { geminiToolName } from './gemini-tool-name.ts';
import {
  assertWellFormed,
  chunksOf,
  decodeEvents,
  decodeFixture,
  emptyRequest,
  exchangeContext,
  partsOf,
  sseEventsOf,
  warningCodes,
} from '../../../test/support/dialects/gemini.ts';

const synthesized = /^call_[0-9a-f]{24}$/;

function textOf(name: string, thought: boolean): string {
  return partsOf(name)
    .filter((part) => typeof part.text === 'string' && (part.thought === true) === thought)
    .map((part) => part.text as string)
    .join('');
}

function signaturesOf(name: string): string[] {
  return partsOf(name)
    .map((part) => part.thoughtSignature)
    .filter((value): value is string => typeof value === 'string');
}

function chunk(parts: unknown[], extra: Record<string, unknown> = {}): { data: string } {
  return {
    data: JSON.stringify({ candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }], responseId: 'r1', modelVersion: 'gemini-3-pro-preview' }),
  };
}

describe('Gemini stream decoder on recorded streams', () => {
  test('text-stream.sse (CRLF frames): text, STOP and the last chunk usage', () => {
    const events = decodeFixture('text-stream.sse');
    assertWellFormed(events, assert);
    const response = foldStream(events);
    assert.equal(response.id, 'w1peaMz6INOvnvgPgYfPiQY');
    assert.equal(response.model, 'gemini-2.0-flash-exp');
    assert.deepEqual(response.content, [{ type: 'text', text: 'The capital of France is Paris.\n' }]);
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'STOP' });
    // Early chunks said 15 prompt tokens; the final chunk's 13 wins.
    assert.deepEqual(response.usage, { inputTokens: 13, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 8, reasoningTokens: 0 });
  });

  test('the same stream split into 7-byte pieces decodes to the same response', () => {
    const whole = foldStream(decodeFixture('text-stream.sse'));
    const pieces = foldStream(decodeFixture('text-stream.sse', exchangeContext(), 7));
    assert.deepEqual({ ...pieces, createdAt: 0 }, { ...whole, createdAt: 0 });
  });

  test('thoughts-include-thoughts.sse: one reasoning block, then the signed first answer part apart from the rest', () => {
    const name = 'thoughts-include-thoughts.sse';
    const events = decodeFixture(name);
    assertWellFormed(events, assert);
    const response = foldStream(events);
    // gemini-2.5 signs the first answer part; like Gemini CLI, a signed part is never merged
    // with its neighbours, so it is replayed on exactly the text it arrived with.
    const answer = partsOf(name).filter((part) => part.thought !== true);
    assert.ok(typeof answer[0]?.thoughtSignature === 'string' && answer.slice(1).every((part) => part.thoughtSignature === undefined));
    assert.deepEqual(response.content, [
      { type: 'reasoning', family: 'gemini', summary: [textOf(name, true)] },
      { type: 'text', text: answer[0]?.text, signature: { family: 'gemini', value: answer[0]?.thoughtSignature } },
      { type: 'text', text: textOf(name, false).slice(answer[0]?.text.length) },
    ]);
    assert.ok(textOf(name, true).startsWith('**Clarifying User Goals**'));
    const last = chunksOf(name).at(-1)?.usageMetadata;
    assert.deepEqual(response.usage, {
      inputTokens: last.promptTokenCount,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: last.candidatesTokenCount + last.thoughtsTokenCount,
      reasoningTokens: last.thoughtsTokenCount,
    });
    const reasoningDeltas = events.filter((event) => event.type === 'reasoning-delta');
    assert.equal(reasoningDeltas.length, partsOf(name).filter((part) => part.thought === true).length);
  });

  test('text-thought-signature-on-empty-part.jsonl: the trailing empty part signs the open text block, byte-exact', () => {
    const name = 'text-thought-signature-on-empty-part.jsonl';
    const events = decodeFixture(name);
    assertWellFormed(events, assert);
    const response = foldStream(events);
    const [signature] = signaturesOf(name);
    assert.ok(signature !== undefined && signature.startsWith('EqsFCqgFAb4+9vvtAF5n87lB4OGDOoTRMOqp35jW65Xs'));
    assert.deepEqual(response.content, [{ type: 'text', text: textOf(name, false), signature: { family: 'gemini', value: signature } }]);
    assert.deepEqual(response.finishReason, { unified: 'stop', raw: 'STOP' });
    assert.deepEqual(response.usage, { inputTokens: 9, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 208, reasoningTokens: 185 });
  });

  test('function-call-thought-signature.sse: a complete call with its signature, STOP becomes tool_calls', () => {
    const name = 'function-call-thought-signature.sse';
    const context = exchangeContext(emptyRequest({ tools: [{ kind: 'function', name: 'get_country' }] }));
    const events = decodeFixture(name, context);
    assertWellFormed(events, assert);
    const response = foldStream(events);
    assert.equal(response.content.length, 1);
    const call = response.content[0];
    assert.ok(call?.type === 'tool-call');
    assert.match(call.callId, synthesized);
    assert.deepEqual(
      { ...call, callId: '' },
      { type: 'tool-call', callId: '', name: 'get_country', kind: 'function', input: '{}', signature: { family: 'gemini', value: signaturesOf(name)[0] } },
    );
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'STOP' });
    assert.deepEqual(response.usage, { inputTokens: 29, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 212, reasoningTokens: 202 });
    // The call streams as start, one whole-arguments delta, end.
    assert.deepEqual(
      events.filter((event) => event.type.startsWith('block') || event.type === 'tool-call-delta').map((event) => event.type),
      ['block-start', 'tool-call-delta', 'block-end'],
    );
  });

  test('function-call-gemini3.jsonl: arguments object as JSON text, signature byte-exact', () => {
    const name = 'function-call-gemini3.jsonl';
    const response = foldStream(decodeFixture(name));
    const call = response.content[0];
    assert.ok(call?.type === 'tool-call');
    assert.deepEqual(JSON.parse(call.input), { location: 'San Francisco' });
    assert.equal(call.signature?.value, signaturesOf(name)[0]);
    assert.equal(call.signature?.value.length, 4 * Math.ceil(call.signature!.value.length / 4));
    assert.equal(response.content.length, 1);
    assert.equal(response.finishReason.unified, 'tool_calls');
  });

  test('function-call-then-function-response.recording.json: call and finishReason in one chunk (gemini-2.0)', () => {
    const name = 'function-call-then-function-response.recording.json';
    const response = foldStream(decodeFixture(name));
    const call = response.content[0];
    assert.ok(call?.type === 'tool-call' && call.signature === undefined);
    assert.deepEqual(JSON.parse(call.input), { denominator: 2, numerator: 10 });
    assert.equal(call.name, 'customDivide');
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'STOP' });
    assert.deepEqual(response.usage, { inputTokens: 17, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 6, reasoningTokens: 0 });
    const after = foldStream(decodeFixture(name, exchangeContext(), undefined, 1));
    assert.equal(after.finishReason.unified, 'stop');
    assert.equal(after.content[0]?.type, 'text');
  });

  test('text-after-function-response.sse: the final empty unsigned text part adds nothing', () => {
    const response = foldStream(decodeFixture('text-after-function-response.sse'));
    assert.deepEqual(response.content, [{ type: 'text', text: 'The capital of Mexico is Mexico City.' }]);
    assert.equal(response.usage?.inputTokens, 257);
  });

  test('text-stream-max-tokens.recording.json: MAX_TOKENS is length', () => {
    const response = foldStream(decodeFixture('text-stream-max-tokens.recording.json'));
    assert.deepEqual(response.finishReason, { unified: 'length', raw: 'MAX_TOKENS' });
    assert.equal(response.usage?.inputTokens, 6);
    assert.equal(response.usage?.outputTokens, 20);
  });

  test('vertex-stream-function-call-arguments.recording.json: partialArgs are assembled into one call', () => {
    const name = 'vertex-stream-function-call-arguments.recording.json';
    const events = decodeFixture(name);
    assertWellFormed(events, assert);
    const response = foldStream(events);
    assert.equal(response.content.length, 1);
    const call = response.content[0];
    assert.ok(call?.type === 'tool-call');
    assert.equal(call.name, 'getCurrentWeather');
    assert.deepEqual(JSON.parse(call.input), { country: 'USA', location: 'NewYorkCity', purpose: 'to know what to wear today', unit: 'C' });
    assert.equal(call.signature?.value, signaturesOf(name)[0]);
    assert.deepEqual(response.finishReason, { unified: 'tool_calls', raw: 'STOP' });
  });

  test('the error body of error-404-not-found.recording.json inside a stream is an error event', () => {
    const events = decodeFixture('error-404-not-found.recording.json');
    assert.equal(events.length, 1);
    const event = events[0];
    assert.ok(event?.type === 'error');
    assert.equal(event.error.code, 'provider_not_found');
    assert.match(event.error.message, /custom-gemini-2\.0-flash is not found/);
  });
});

describe('Gemini stream decoder rules', () => {
  test('a blocked prompt (no candidates, promptFeedback.blockReason) is a caller_content_policy error', () => {
    const events = decodeEvents([{ data: JSON.stringify({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }) }]);
    const last = events.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.error.code, 'caller_content_policy');
    assert.match(last.error.message, /blocked the prompt \(blockReason PROHIBITED_CONTENT\)/);
    assert.throws(
      () => foldStream(events),
      (error: unknown) => error instanceof GatewayError && error.status === 400,
    );
  });

  test('a stream that ends without a finishReason is a provider_error', () => {
    const events = decodeEvents([chunk([{ text: 'Hel' }])]);
    const last = events.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.error.code, 'provider_error');
    assert.match(last.error.message, /without a finishReason/);
    assert.ok(events.some((event) => event.type === 'text-delta'));
  });

  test('an empty stream is a provider_error', () => {
    const events = decodeEvents([]);
    assert.deepEqual(
      events.map((event) => event.type),
      ['error'],
    );
  });

  for (const reason of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) {
    test(`finishReason ${reason} is content_filter`, () => {
      const response = foldStream(decodeEvents([{ data: JSON.stringify({ candidates: [{ content: {}, finishReason: reason }] }) }]));
      assert.deepEqual(response.finishReason, { unified: 'content_filter', raw: reason });
      assert.deepEqual(response.content, []);
    });
  }

  test('MALFORMED_FUNCTION_CALL is an error finish, not tool_calls', () => {
    const response = foldStream(decodeEvents([chunk([], { finishReason: 'MALFORMED_FUNCTION_CALL' })]));
    assert.deepEqual(response.finishReason, { unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' });
  });

  test('a signature alone after a call becomes an empty signed text block; a gemini id is kept as the call id', () => {
    const response = foldStream(
      decodeEvents([
        chunk([{ functionCall: { name: 'read', args: { p: 1 }, id: 'fc-7' }, thoughtSignature: 'c2lnMQ==' }]),
        chunk([{ text: '', thoughtSignature: 'c2lnMg==' }], { finishReason: 'STOP' }),
      ]),
    );
    assert.deepEqual(response.content, [
      { type: 'tool-call', callId: 'fc-7', name: 'read', kind: 'function', input: '{"p":1}', signature: { family: 'gemini', value: 'c2lnMQ==' } },
      { type: 'text', text: '', signature: { family: 'gemini', value: 'c2lnMg==' } },
    ]);
  });

  test('a signed text part closes its block: later text starts a new block', () => {
    const response = foldStream(decodeEvents([chunk([{ text: 'A', thoughtSignature: 'czE=' }, { text: 'B' }], { finishReason: 'STOP' })]));
    assert.deepEqual(response.content, [
      { type: 'text', text: 'A', signature: { family: 'gemini', value: 'czE=' } },
      { type: 'text', text: 'B' },
    ]);
  });

  test('a signed empty thought part ends the thought run (Code Assist style)', () => {
    const response = foldStream(
      decodeEvents([
        chunk([{ text: 'Thinking', thought: true }]),
        chunk([{ text: '', thought: true, thoughtSignature: 'dGg=' }, { text: 'Answer' }], { finishReason: 'STOP' }),
      ]),
    );
    assert.deepEqual(response.content, [
      { type: 'reasoning', family: 'gemini', summary: ['Thinking'], signature: 'dGg=' },
      { type: 'text', text: 'Answer' },
    ]);
  });

  test('parallel calls: each call is its own block, only the first carries the signature', () => {
    const response = foldStream(
      decodeEvents([
        chunk([{ functionCall: { name: 'a', args: {} }, thoughtSignature: 'c2ln' }, { functionCall: { name: 'b', args: { x: 'y' } } }], {
          finishReason: 'STOP',
        }),
      ]),
    );
    assert.equal(response.content.length, 2);
    const [first, second] = response.content;
    assert.ok(first?.type === 'tool-call' && second?.type === 'tool-call');
    assert.equal(first.signature?.value, 'c2ln');
    assert.equal(second.signature, undefined);
    assert.notEqual(first.callId, second.callId);
  });

  test('calls come back with the IR name, namespace and kind (flattened, prefixed and custom names)', () => {
    const tools = [
      { kind: 'function' as const, name: 'spawn', namespace: 'multi_agent_v1' },
      { kind: 'custom' as const, name: 'apply_patch' },
      { kind: 'function' as const, name: '3d-render' },
    ];
    const context = exchangeContext(emptyRequest({ tools }));
    const names = tools.map((tool) => geminiToolName(context.toolNames, tool.name, tool.namespace, tool.kind));
    assert.deepEqual(names, ['multi_agent_v1__spawn', 'apply_patch', '_3d-render']);
    const events = decodeEvents(
      [
        chunk(
          [
            { functionCall: { name: names[0], args: { task: 't' } } },
            { functionCall: { name: names[1], args: { input: '*** Begin Patch\n*** End Patch' } } },
            { functionCall: { name: names[2], args: {} } },
          ],
          { finishReason: 'STOP' },
        ),
      ],
      context,
    );
    const calls = foldStream(events).content.map((block) =>
      block.type === 'tool-call' ? { name: block.name, namespace: block.namespace, kind: block.kind, input: block.input } : block,
    );
    assert.deepEqual(calls, [
      { name: 'spawn', namespace: 'multi_agent_v1', kind: 'function', input: '{"task":"t"}' },
      { name: 'apply_patch', namespace: undefined, kind: 'custom', input: '*** Begin Patch\n*** End Patch' },
      { name: '3d-render', namespace: undefined, kind: 'function', input: '{}' },
    ]);
    // A freeform call streams its raw input, never the {"input":…} wrapper.
    const deltas = events
      .filter((event): event is Extract<StreamEvent, { type: 'tool-call-delta' }> => event.type === 'tool-call-delta')
      .map((event) => event.delta);
    assert.deepEqual(deltas, ['{"task":"t"}', '*** Begin Patch\n*** End Patch', '{}']);
  });

  test('other parts (inlineData, executableCode) travel as opaque gemini blocks', () => {
    const image = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
    const code = { executableCode: { language: 'PYTHON', code: 'print(1)' } };
    const response = foldStream(decodeEvents([chunk([{ text: 'Here' }, image, code], { finishReason: 'STOP' })]));
    assert.deepEqual(response.content, [
      { type: 'text', text: 'Here' },
      { type: 'opaque', dialect: 'gemini', value: image },
      { type: 'opaque', dialect: 'gemini', value: code },
    ]);
  });

  test('grounding metadata and extra candidates are reported as warnings', () => {
    const context = exchangeContext();
    decodeEvents(
      [
        {
          data: JSON.stringify({
            candidates: [
              { content: { parts: [{ text: 'x' }] }, finishReason: 'STOP', groundingMetadata: { webSearchQueries: ['q'] } },
              { content: { parts: [{ text: 'y' }] } },
            ],
          }),
        },
      ],
      context,
    );
    assert.deepEqual(warningCodes(context).sort(), ['candidates_dropped', 'grounding_dropped']);
  });

  test('a chunk that is not JSON ends the stream with a provider_error', () => {
    const events = decodeEvents(sseEventsOf('data: {"candidates": [\r\n\r\n'));
    assert.equal(events.at(-1)?.type, 'error');
  });

  test('usage events carry the cumulative usage of each chunk', () => {
    const events = decodeEvents([
      {
        data: JSON.stringify({
          candidates: [{ content: { parts: [{ text: 'a' }] } }],
          usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 4, totalTokenCount: 10 },
        }),
      },
      {
        data: JSON.stringify({
          candidates: [{ content: { parts: [{ text: 'b' }] }, finishReason: 'STOP' }],
          usageMetadata: { promptTokenCount: 10, cachedContentTokenCount: 4, candidatesTokenCount: 2, thoughtsTokenCount: 5, toolUsePromptTokenCount: 3 },
        }),
      },
    ]);
    const usages = events.filter((event) => event.type === 'usage').map((event) => (event.type === 'usage' ? event.usage : undefined));
    assert.equal(usages.length, 2);
    assert.deepEqual(foldStream(events).usage, { inputTokens: 13, cachedInputTokens: 4, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 5 });
  });

  test('a name map shared with the encoder is required for prefixed names only', () => {
    const toolNames = ToolNameMap.fromTools([{ kind: 'function', name: 'read' }]);
    const context = { ...exchangeContext(), toolNames, warnings: new Warnings() };
    const response = foldStream(decodeEvents([chunk([{ functionCall: { name: 'read', args: {} } }], { finishReason: 'STOP' })], context));
    assert.equal(response.content[0]?.type === 'tool-call' ? response.content[0].name : '', 'read');
  });
});
