import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../core/ir/index.ts';
import { Warnings } from '../../core/warnings.ts';
import { decodeRequest } from './decode-request.ts';
import { ChatStreamEncoder } from './stream-encoder.ts';
import { clientContext, run } from '../../../test/support/dialects/openai-chat.ts';
import { assertValidChatChunks } from '../../../test/support/openai-schema.ts';

const signature = { family: 'gemini' as const, value: 'CiQB-gemini-signature' };

describe('Gemini thought signatures through a Chat client', () => {
  test('the call id the client sees seals the signature; its echo gives both back', () => {
    const events: StreamEvent[] = [
      { type: 'response-start', id: 'r1', model: 'gemini-3-pro-preview', createdAt: 1 },
      { type: 'block-start', index: 0, block: { kind: 'tool-call', callId: 'call_a', name: 'shell', toolKind: 'function', signature } },
      { type: 'tool-call-delta', index: 0, delta: '{"command":"ls"}' },
      { type: 'block-end', index: 0, block: { type: 'tool-call', callId: 'call_a', name: 'shell', kind: 'function', input: '{"command":"ls"}', signature } },
      { type: 'response-end', finishReason: { unified: 'tool_calls' } },
    ];
    const frames = run(new ChatStreamEncoder(clientContext()), events)
      .join('')
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => JSON.parse(frame.slice('data: '.length)));
    assertValidChatChunks(frames);
    const id = frames.flatMap((frame) => frame.choices[0]?.delta.tool_calls ?? []).find((call: { id?: string }) => call.id)?.id as string;
    assert.match(id, /^sy1\./);

    const request = decodeRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'shell', arguments: '{"command":"ls"}' } }] },
          { role: 'tool', tool_call_id: id, content: 'a.txt' },
        ],
      },
      new Warnings(),
    );
    const blocks = request.messages.flatMap((message) => message.content);
    assert.deepEqual(blocks[1], { type: 'tool-call', callId: 'call_a', name: 'shell', kind: 'function', input: '{"command":"ls"}', signature });
    assert.equal(blocks[2]?.type === 'tool-result' ? blocks[2].callId : undefined, 'call_a');
  });

  test('an id that merely looks sealed is kept as an id, carrying nothing', () => {
    const forged = 'sy1.eyJjIjoieCJ9.AAAAAAAAAAAAAAAAAAAAAA';
    const request = decodeRequest(
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: null, tool_calls: [{ id: forged, type: 'function', function: { name: 'shell', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: forged, content: 'x' },
        ],
      },
      new Warnings(),
    );
    const call = request.messages.flatMap((message) => message.content).find((block) => block.type === 'tool-call');
    assert.equal(call?.type === 'tool-call' ? call.signature : 'missing', undefined);
  });
});
