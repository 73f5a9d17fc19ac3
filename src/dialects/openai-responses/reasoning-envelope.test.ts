import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContentBlock, Message, ModelResponse, StreamEvent } from '../../core/ir/index.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeRequest } from './decode-request.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeReasoningEnvelope, encodeReasoningEnvelope, ENVELOPE_PREFIX, type ReasoningEnvelope } from './reasoning-envelope.ts';
import { seal, setEnvelopeSecret } from '../shared/sealed-envelope.ts';

const originalSecret = 'reasoning-envelope-test-secret';
setEnvelopeSecret(originalSecret);
import { ResponsesStreamEncoder } from './stream-encoder.ts';
import { clientContext, exchangeContext, parseSse, run } from '../../../test/support/dialects/openai-responses.ts';

function response(content: ContentBlock[]): ModelResponse {
  return { id: 'msg_x', model: 'upstream', createdAt: 1700000000, content, finishReason: { unified: 'stop' } };
}

/** What Codex does: store the output items and send them back as the next request's input. */
function replay(outputItems: unknown[], extra: unknown[] = []): Message[] {
  const body = { model: 'alias', input: [{ role: 'user', content: 'go' }, ...outputItems, ...extra] };
  return decodeRequest(body, new Warnings()).messages;
}

function blocks(messages: Message[]): ContentBlock[] {
  return messages.flatMap((message) => message.content);
}

describe('reasoning envelope format', () => {
  test('sy1. + base64url(JSON) + HMAC tag both ways', () => {
    const payload: ReasoningEnvelope = {
      v: 1,
      family: 'anthropic',
      blocks: [{ thinking: 'ünïcode + / =', signature: 'sig' }, { redactedData: 'data' }],
      partSignatures: [
        { callId: 'c', value: 'v' },
        { text: true, preceding: true, value: 'w' },
      ],
    };
    const encoded = encodeReasoningEnvelope(payload);
    assert.ok(encoded.startsWith(ENVELOPE_PREFIX));
    assert.match(encoded.slice(ENVELOPE_PREFIX.length), /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(decodeReasoningEnvelope(encoded), payload);
  });

  test('anything else is not an envelope, and never throws', () => {
    assert.equal(decodeReasoningEnvelope('gAAAAABoyX'), undefined);
    assert.equal(decodeReasoningEnvelope('sy1.!!!not-base64'), undefined);
    // Well-sealed but malformed payloads are refused too.
    assert.equal(decodeReasoningEnvelope(seal({ v: 2, family: 'anthropic' })), undefined);
    assert.equal(decodeReasoningEnvelope(seal({ v: 1, family: 'mistral' })), undefined);
    assert.equal(decodeReasoningEnvelope(seal({ v: 1, family: 'gemini', blocks: [{ signature: 5 }] })), undefined);
    assert.equal(decodeReasoningEnvelope(seal({ v: 1, family: 'gemini', partSignatures: [{ value: 'x' }] })), undefined);
  });

  test('only envelopes this gateway sealed are recognised: no tag, a wrong tag, an edited payload, another secret', () => {
    const payload: ReasoningEnvelope = { v: 1, family: 'anthropic', blocks: [{ thinking: 't', signature: 'real' }] };
    const sealed = encodeReasoningEnvelope(payload);
    const body = sealed.slice(0, sealed.lastIndexOf('.'));
    assert.equal(decodeReasoningEnvelope(body), undefined, 'the unsigned form');
    assert.equal(decodeReasoningEnvelope(`${body}.${'A'.repeat(22)}`), undefined, 'a made-up tag');
    const forged = `sy1.${Buffer.from(JSON.stringify({ ...payload, blocks: [{ thinking: 't', signature: 'forged' }] })).toString('base64url')}`;
    assert.equal(decodeReasoningEnvelope(`${forged}${sealed.slice(sealed.lastIndexOf('.'))}`), undefined, 'an edited payload under the old tag');
    setEnvelopeSecret('another gateway');
    try {
      assert.equal(decodeReasoningEnvelope(sealed), undefined, 'a gateway with another secret');
    } finally {
      setEnvelopeSecret(originalSecret);
    }
    assert.deepEqual(decodeReasoningEnvelope(sealed), payload);
  });
});

describe('round trips through a Responses client', () => {
  test('anthropic thinking with signature and redacted thinking come back as anthropic blocks', () => {
    const thinking: ContentBlock = { type: 'reasoning', family: 'anthropic', summary: ['I should list files.'], signature: 'EqQBCkgIAxABsig' };
    const redacted: ContentBlock = { type: 'reasoning', family: 'anthropic', summary: [], redactedData: 'EmwKAhgBEgy3redacted' };
    const call: ContentBlock = { type: 'tool-call', callId: 'toolu_1', name: 'shell', kind: 'function', input: '{}' };
    const encoded = encodeResponse(response([thinking, redacted, { type: 'text', text: 'Listing.' }, call]), clientContext());
    const output = encoded.output as Array<Record<string, unknown>>;
    assert.deepEqual(output[0]?.summary, [{ type: 'summary_text', text: 'I should list files.' }]);
    assert.ok(String(output[0]?.encrypted_content).startsWith('sy1.'));

    const messages = replay(output, [{ type: 'function_call_output', call_id: 'toolu_1', output: 'a.txt' }]);
    const restored = blocks(messages).filter((block) => block.type === 'reasoning');
    assert.deepEqual(
      restored.map(({ itemId: _itemId, ...rest }) => rest),
      [
        { type: 'reasoning', family: 'anthropic', summary: ['I should list files.'], signature: 'EqQBCkgIAxABsig' },
        { type: 'reasoning', family: 'anthropic', summary: [], redactedData: 'EmwKAhgBEgy3redacted' },
      ],
    );
    // And none of it is ever sent to OpenAI.
    const context = exchangeContext(decodeRequest({ model: 'alias', input: [{ role: 'user', content: 'go' }, ...output] }, new Warnings()));
    assert.doesNotMatch(JSON.stringify(encodeRequest(context)), /sy1\.|EqQB|EmwK/);
  });

  test('gemini call and text signatures (non-stream): carrier before the first signed part', () => {
    const first: ContentBlock = {
      type: 'tool-call',
      callId: 'g1',
      name: 'read',
      kind: 'function',
      input: '{"p":"a"}',
      signature: { family: 'gemini', value: 'CiQB-first' },
    };
    const second: ContentBlock = { type: 'tool-call', callId: 'g2', name: 'read', kind: 'function', input: '{"p":"b"}' };
    const text: ContentBlock = { type: 'text', text: 'Reading both.', signature: { family: 'gemini', value: 'CiQB-text' } };
    const output = encodeResponse(response([first, second, text]), clientContext()).output as Array<Record<string, unknown>>;
    assert.deepEqual(
      output.map((item) => item.type),
      ['reasoning', 'function_call', 'function_call', 'message'],
    );
    assert.deepEqual(decodeReasoningEnvelope(output[0]?.encrypted_content as string), {
      v: 1,
      family: 'gemini',
      partSignatures: [
        { callId: 'g1', value: 'CiQB-first' },
        { text: true, value: 'CiQB-text' },
      ],
    });

    const restored = blocks(replay(output));
    assert.deepEqual(
      restored.map((block) => block.type),
      ['text', 'tool-call', 'tool-call', 'text'],
    );
    assert.deepEqual(restored[1]?.type === 'tool-call' ? restored[1].signature : undefined, { family: 'gemini', value: 'CiQB-first' });
    assert.equal(restored[2]?.type === 'tool-call' ? restored[2].signature : 'x', undefined);
    assert.deepEqual(restored[3]?.type === 'text' ? restored[3].signature : undefined, { family: 'gemini', value: 'CiQB-text' });
    assert.equal(restored[0]?.type === 'text' ? restored[0].signature : 'x', undefined, 'the user text keeps no signature');
  });

  test('gemini thoughts: signatures join the preceding gemini reasoning item', () => {
    const thought: ContentBlock = { type: 'reasoning', family: 'gemini', summary: ['Thinking about files'] };
    const call: ContentBlock = {
      type: 'tool-call',
      callId: 'g1',
      name: 'read',
      kind: 'function',
      input: '{}',
      signature: { family: 'gemini', value: 'sig-1' },
    };
    const output = encodeResponse(response([thought, call]), clientContext()).output as Array<Record<string, unknown>>;
    assert.deepEqual(
      output.map((item) => item.type),
      ['reasoning', 'function_call'],
    );
    const restored = blocks(replay(output));
    assert.deepEqual(restored[1], { type: 'reasoning', family: 'gemini', summary: ['Thinking about files'], itemId: output[0]?.id });
    assert.deepEqual(restored[2]?.type === 'tool-call' ? restored[2].signature : undefined, { family: 'gemini', value: 'sig-1' });
  });

  test('gemini signatures from a stream: carriers after the signed items still re-attach', () => {
    const events: StreamEvent[] = [
      { type: 'response-start', id: 'r', model: 'gemini-3', createdAt: 1 },
      { type: 'block-start', index: 0, block: { kind: 'text' } },
      { type: 'text-delta', index: 0, delta: 'Hello' },
      { type: 'block-end', index: 0, block: { type: 'text', text: 'Hello', signature: { family: 'gemini', value: 'text-sig' } } },
      { type: 'block-start', index: 1, block: { kind: 'tool-call', callId: 'g1', name: 'read', toolKind: 'function' } },
      { type: 'tool-call-delta', index: 1, delta: '{}' },
      {
        type: 'block-end',
        index: 1,
        block: { type: 'tool-call', callId: 'g1', name: 'read', kind: 'function', input: '{}', signature: { family: 'gemini', value: 'call-sig' } },
      },
      { type: 'response-end', finishReason: { unified: 'tool_calls' } },
    ];
    const frames = run(new ResponsesStreamEncoder(clientContext()), events);
    const output = (parseSse(frames).at(-1)?.data.response as { output: Array<Record<string, unknown>> }).output;
    assert.deepEqual(
      output.map((item) => item.type),
      ['message', 'reasoning', 'function_call', 'reasoning'],
    );
    const restored = blocks(replay(output, [{ type: 'function_call_output', call_id: 'g1', output: 'x' }]));
    const text = restored.find((block) => block.type === 'text' && block.text === 'Hello');
    assert.deepEqual(text?.type === 'text' ? text.signature : undefined, { family: 'gemini', value: 'text-sig' });
    const call = restored.find((block) => block.type === 'tool-call');
    assert.deepEqual(call?.type === 'tool-call' ? call.signature : undefined, { family: 'gemini', value: 'call-sig' });
    assert.equal(restored.filter((block) => block.type === 'reasoning').length, 0, 'carriers leave no reasoning behind');
  });
});
