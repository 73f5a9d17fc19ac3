// The conformance checks themselves can fail: broken sequences are reported, and making up
// ids stable does not hide a real difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../src/core/ir/index.ts';
import { streamProblems, withStableIds } from './codec-conformance.ts';

const start: StreamEvent = { type: 'response-start', id: 'r', model: 'm', createdAt: 1 };
const open: StreamEvent = { type: 'block-start', index: 0, block: { kind: 'text' } };
const delta: StreamEvent = { type: 'text-delta', index: 0, delta: 'hi' };
const close: StreamEvent = { type: 'block-end', index: 0, block: { type: 'text', text: 'hi' } };
const end: StreamEvent = { type: 'response-end', finishReason: { unified: 'stop', raw: 'stop' } };
const error: StreamEvent = { type: 'error', error: { code: 'provider_overloaded', message: 'Overloaded' } };

test('a well-formed sequence and a lone upstream error have no problems', () => {
  assert.deepEqual(streamProblems([start, open, delta, close, end]), []);
  assert.deepEqual(streamProblems([error]), []);
});

test('each broken rule is reported', () => {
  assert.match(streamProblems([open, delta, close, end]).join(), /not response-start/);
  assert.match(streamProblems([start, delta, open, close, end]).join(), /delta for block 0 while none is open/);
  assert.match(streamProblems([start, open, delta, end]).join(), /block 0 left open/);
  assert.match(streamProblems([start, open, delta, close]).join(), /0 terminal events/);
  assert.match(streamProblems([start, open, close, end, error]).join(), /after the terminal event/);
  assert.match(streamProblems([start, { ...open, index: 1 }, { ...close, index: 1 }, end]).join(), /index 1, expected 0/);
  assert.match(streamProblems([start, open, { ...open, index: 1 }, end]).join(), /opens while 0 is open/);
});

test('a block cut off by the output cap may stay open, by nothing else', () => {
  assert.deepEqual(streamProblems([start, open, delta, { ...end, finishReason: { unified: 'length', raw: 'max_tokens' } }]), []);
});

test('stable ids equate made-up ids only', () => {
  const call = (callId: string, input: string): StreamEvent => ({
    type: 'block-end',
    index: 0,
    block: { type: 'tool-call', callId, name: 'f', kind: 'function', input },
  });
  assert.deepEqual(withStableIds([call('call_a', '{}')]), withStableIds([call('call_b', '{}')]));
  assert.notDeepEqual(withStableIds([call('call_a', '{}')]), withStableIds([call('call_b', '{"x":1}')]));
  assert.notDeepEqual(withStableIds([call('a', '{}'), call('a', '{}')]), withStableIds([call('a', '{}'), call('b', '{}')]));
});
