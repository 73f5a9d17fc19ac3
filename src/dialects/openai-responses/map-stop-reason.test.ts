import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeStopReason, encodeStopReason } from './map-stop-reason.ts';

describe('map-stop-reason', () => {
  test('decode', () => {
    assert.deepEqual(decodeStopReason({ status: 'completed' }), { unified: 'stop', raw: 'completed' });
    assert.deepEqual(decodeStopReason({ status: 'completed', hasToolCalls: true, hasRefusal: true }), { unified: 'tool_calls', raw: 'completed' });
    assert.deepEqual(decodeStopReason({ status: 'completed', hasRefusal: true }), { unified: 'refusal', raw: 'completed' });
    assert.deepEqual(decodeStopReason({ status: 'incomplete', incompleteReason: 'max_output_tokens' }), { unified: 'length', raw: 'max_output_tokens' });
    assert.deepEqual(decodeStopReason({ status: 'incomplete', incompleteReason: 'max_tokens' }), { unified: 'length', raw: 'max_tokens' });
    assert.deepEqual(decodeStopReason({ status: 'incomplete', incompleteReason: 'content_filter' }), { unified: 'content_filter', raw: 'content_filter' });
    assert.deepEqual(decodeStopReason({ status: 'failed' }), { unified: 'error', raw: 'failed' });
  });

  test('encode', () => {
    assert.deepEqual(encodeStopReason({ unified: 'stop' }), { status: 'completed', incompleteDetails: null });
    assert.deepEqual(encodeStopReason({ unified: 'tool_calls' }), { status: 'completed', incompleteDetails: null });
    assert.deepEqual(encodeStopReason({ unified: 'pause' }), { status: 'completed', incompleteDetails: null });
    assert.deepEqual(encodeStopReason({ unified: 'length' }), { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } });
    assert.deepEqual(encodeStopReason({ unified: 'content_filter' }), { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } });
    assert.deepEqual(encodeStopReason({ unified: 'error' }), { status: 'failed', incompleteDetails: null });
  });
});
