import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResponseEvents, encodeResponseEvent, splitIntoDeltas } from './scripted-response-events.ts';

describe('buildResponseEvents', () => {
  const events = buildResponseEvents({
    responseId: 'resp_1',
    itemIdPrefix: 't1',
    request: { model: 'gw-coder', tools: [{ type: 'function', name: 'exec_command' }] },
    output: [
      { type: 'reasoning', summary: ['thinking hard'], encryptedContent: 'blob' },
      { type: 'function_call', name: 'exec_command', arguments: { cmd: 'ls' }, callId: 'call_9' },
      { type: 'message', text: 'Hello there' },
    ],
    createdAt: 1,
  });

  test('numbers events from 0 without gaps, created first and completed last', () => {
    assert.deepEqual(
      events.map((event) => event.sequence_number),
      events.map((_, index) => index),
    );
    assert.equal(events[0]?.type, 'response.created');
    assert.equal(events[1]?.type, 'response.in_progress');
    assert.equal(events.at(-1)?.type, 'response.completed');
  });

  test('opens every item with output_item.added before its deltas and closes it with output_item.done', () => {
    for (const outputIndex of [0, 1, 2]) {
      const ofItem = events.filter((event) => event.output_index === outputIndex);
      assert.equal(ofItem[0]?.type, 'response.output_item.added');
      assert.equal(ofItem.at(-1)?.type, 'response.output_item.done');
    }
    const textDeltas = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta);
    assert.equal(textDeltas.join(''), 'Hello there');
    assert.ok(textDeltas.length > 1);
  });

  test('puts the final encrypted_content and JSON-string arguments on the done items and in completed', () => {
    const done = events.filter((event) => event.type === 'response.output_item.done').map((event) => event.item as Record<string, unknown>);
    assert.equal(done[0]?.encrypted_content, 'blob');
    assert.equal(done[1]?.arguments, '{"cmd":"ls"}');
    assert.equal(done[1]?.call_id, 'call_9');
    const completed = events.at(-1)?.response as {
      id: string;
      output: unknown[];
      usage: { total_tokens: number; input_tokens: number; output_tokens: number };
    };
    assert.equal(completed.id, 'resp_1');
    assert.deepEqual(completed.output, done);
    assert.equal(completed.usage.total_tokens, completed.usage.input_tokens + completed.usage.output_tokens);
  });

  test('frames each event as event + data lines', () => {
    const first = events[0];
    assert.ok(first);
    assert.equal(encodeResponseEvent(first), `event: response.created\ndata: ${JSON.stringify(first)}\n\n`);
  });
});

test('splitIntoDeltas keeps the text and never yields empty pieces', () => {
  assert.deepEqual(splitIntoDeltas(''), []);
  assert.deepEqual(splitIntoDeltas('ab'), ['ab']);
  assert.deepEqual(splitIntoDeltas('abcdefg'), ['abc', 'def', 'g']);
});
