import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientContext, ExchangeContext } from '../../core/dialect.ts';
import { foldStream, type StreamEvent } from '../../core/ir/index.ts';
import { ToolNameMap } from '../../core/tool-names.ts';
import { Warnings } from '../../core/warnings.ts';
import { openaiResponsesCodec } from '../openai-responses/index.ts';
import { encodeRequest } from './encode-request.ts';
import { decodeFixture, partsOf, readJsonFixture, sseEventsOf } from '../../../test/support/dialects/gemini.ts';
import { encodedRequestContext, validateGeminiRequest } from '../../../test/fakes/gemini-request-validator.ts';

/**
 * The whole Codex-on-Gemini loop through both real codecs: a recorded Gemini answer is decoded,
 * written to Codex as Responses SSE, Codex's next request (its input plus the output items and
 * the tool outputs, as Codex replays them) is decoded by the Responses codec and encoded for
 * Gemini again. Gemini 3 only accepts the next turn if each signature is back on its part.
 */
const codexRequest = readJsonFixture<{ body: Record<string, any> }>('codex/gpt-4o/001-POST_v1_responses.json').body;

function exchange(body: Record<string, any>): ExchangeContext {
  const request = { ...openaiResponsesCodec.decodeRequest(body, new Warnings()), model: 'gemini-3-pro-preview' };
  return { request, target: { model: 'gemini-3-pro-preview', family: 'gemini' }, toolNames: ToolNameMap.fromTools(request.tools), warnings: new Warnings() };
}

/** The `response.completed` output items Codex stores, from the Responses stream we wrote. */
function codexOutputItems(events: StreamEvent[], context: ExchangeContext): Array<Record<string, any>> {
  const client: ClientContext = { requestedModel: 'gemini-alias', request: context.request, warnings: new Warnings(), requestId: 'req_1' };
  const encoder = openaiResponsesCodec.createStreamEncoder(client);
  const text = [...events.flatMap((event) => encoder.push(event)), ...encoder.finish()].join('');
  const completed = sseEventsOf(text)
    .map((event) => JSON.parse(event.data) as Record<string, any>)
    .find((payload) => payload.type === 'response.completed');
  assert.ok(completed, 'the stream completed');
  return completed.response.output;
}

function nextTurn(items: Array<Record<string, any>>): Record<string, any> {
  const outputs = items
    .filter((item) => item.type === 'function_call')
    .map((item) => ({ type: 'function_call_output', call_id: item.call_id, output: 'sunny, 21°C' }));
  return { ...codexRequest, input: [...codexRequest.input, ...items, ...outputs] };
}

describe('Codex on Gemini: thought signatures survive the trip through Codex', () => {
  for (const fixture of ['function-call-gemini3.jsonl', 'function-call-thought-signature.sse', 'text-thought-signature-on-empty-part.jsonl']) {
    test(fixture, () => {
      const first = exchange(codexRequest);
      encodeRequest(first);
      const events = decodeFixture(fixture, first);
      const items = codexOutputItems(events, first);
      const second = exchange(nextTurn(items));
      const body = encodeRequest(second);
      assert.equal(validateGeminiRequest(body, encodedRequestContext())?.message, undefined);
      const replayed = body.contents.find((content) => content.role === 'model');
      const recorded = partsOf(fixture).filter((part) => typeof part.thoughtSignature === 'string');
      assert.ok(recorded.length > 0);
      for (const part of recorded) {
        const back = replayed?.parts?.find((candidate) => candidate.thoughtSignature === part.thoughtSignature);
        assert.ok(back, 'the signature is back, byte-exact');
        if (part.functionCall) {
          assert.equal(back.functionCall?.name, part.functionCall.name);
          assert.deepEqual(back.functionCall?.args, part.functionCall.args);
        } else {
          assert.equal(typeof back.text, 'string');
        }
      }
      assert.ok(!JSON.stringify(body).includes('skip_thought_signature_validator'), 'no dummy when the real signature exists');
      const answered = foldStream(events).content.filter((block) => block.type === 'tool-call').length;
      const responses = body.contents.flatMap((content) => content.parts ?? []).filter((part) => part.functionResponse);
      assert.equal(responses.length, answered);
      for (const response of responses) assert.deepEqual(response.functionResponse?.response, { output: 'sunny, 21°C' });
    });
  }
});
