import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsDeflateFrom } from './accepts-deflate-from.ts';

test('permessage-deflate is declined from loopback peers only', () => {
  for (const peer of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.equal(acceptsDeflateFrom(peer), false, peer);
  for (const peer of ['10.0.0.7', '192.168.1.2', '203.0.113.9', '2001:db8::1', '::ffff:10.1.2.3', undefined])
    assert.equal(acceptsDeflateFrom(peer), true, String(peer));
});
