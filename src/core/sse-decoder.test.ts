import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseDecoder } from './sse-decoder.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('decodes event and data fields with LF framing', () => {
  const events = new SseDecoder().push('event: response.created\ndata: {"a":1}\n\n');
  assert.deepEqual(events, [{ event: 'response.created', data: '{"a":1}' }]);
});

test('accepts CRLF and lone CR line endings (Gemini frames with CRLF CRLF)', () => {
  const decoder = new SseDecoder();
  assert.deepEqual(decoder.push('data: one\r\n\r\ndata: two\r\r'), [{ data: 'one' }, { data: 'two' }]);
});

test('a CRLF split across chunks is one line ending, not two', () => {
  const decoder = new SseDecoder();
  assert.deepEqual(decoder.push('data: x\r'), []);
  assert.deepEqual(decoder.push('\ndata: y\n\n'), [{ data: 'x\ny' }]);
});

test('joins multi-line data, ignores comments and unknown fields, data with or without a space', () => {
  const events = new SseDecoder().push(': keep-alive\ndata:first\ndata: second\nfoo: bar\n\n');
  assert.deepEqual(events, [{ data: 'first\nsecond' }]);
});

test('reassembles UTF-8 sequences split across chunks', () => {
  const all = bytes('data: héllo €\n\n');
  const decoder = new SseDecoder();
  const out = [];
  for (let i = 0; i < all.length; i++) out.push(...decoder.push(all.subarray(i, i + 1)));
  assert.deepEqual(out, [{ data: 'héllo €' }]);
});

test('an event with no data is not dispatched; an unterminated event at EOF is dropped', () => {
  const decoder = new SseDecoder();
  assert.deepEqual(decoder.push('event: ping\n\ndata: partial'), []);
  assert.deepEqual(decoder.finish(), []);
});

test('keeps id and retry fields', () => {
  assert.deepEqual(new SseDecoder().push('id: 7\nretry: 1500\ndata: z\n\n'), [{ data: 'z', id: '7', retry: 1500 }]);
});
