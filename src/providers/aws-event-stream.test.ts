import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { createAwsEventStreamReframer, type AwsStreamMessage } from './aws-event-stream.ts';
import { bedrockError } from './bedrock-error.ts';

const encoder = new TextEncoder();
const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => encoder.encode(text),
);
const message = (kind: 'event' | 'exception', type: string, payload: unknown) =>
  Buffer.from(
    codec.encode({
      headers: {
        ':message-type': { type: 'string', value: kind },
        [kind === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: type },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: encoder.encode(JSON.stringify(payload)),
    }),
  );
const asText = (seen: AwsStreamMessage) => `${seen.messageType}/${seen.type}/${JSON.stringify(seen.payload)}\n`;

test('messages split across any chunk boundary decode to the same events', () => {
  const bytes = Buffer.concat([
    message('event', 'chunk', { bytes: 'YQ==' }),
    message('event', 'chunk', { n: 2 }),
    message('exception', 'throttlingException', { message: 'slow down' }),
  ]);
  const whole = createAwsEventStreamReframer('p', asText);
  const expected = whole.push(bytes).toString() + whole.finish().toString();
  assert.equal(expected, 'event/chunk/{"bytes":"YQ=="}\nevent/chunk/{"n":2}\nexception/throttlingException/{"message":"slow down"}\n');
  for (const size of [1, 3, 7, 64]) {
    const reframer = createAwsEventStreamReframer('p', asText);
    let out = '';
    for (let offset = 0; offset < bytes.length; offset += size) out += reframer.push(bytes.subarray(offset, offset + size)).toString();
    out += reframer.finish().toString();
    assert.equal(out, expected, `chunks of ${size}`);
  }
});

test('a stream cut inside a message, or a corrupted one, is a bad response', () => {
  const bytes = message('event', 'chunk', { n: 1 });
  const cut = createAwsEventStreamReframer('p', asText);
  cut.push(bytes.subarray(0, bytes.length - 3));
  assert.throws(
    () => cut.finish(),
    (error: { code?: string }) => error.code === 'provider_bad_response',
  );
  const corrupted = Buffer.from(bytes);
  const at = corrupted.length - 6; // a payload byte: the message CRC no longer holds
  corrupted[at] = (corrupted[at] ?? 0) ^ 0xff;
  assert.throws(
    () => createAwsEventStreamReframer('p', asText).push(corrupted),
    (error: { code?: string }) => error.code === 'provider_bad_response',
  );
});

test('Bedrock exception names map to fault domains, whatever their casing', () => {
  assert.equal(bedrockError('ThrottlingException', 'Too many tokens').code, 'provider_rate_limited');
  assert.equal(bedrockError('throttlingException', 'x').code, 'provider_rate_limited');
  assert.equal(bedrockError('ValidationException', 'messages: bad').code, 'caller_invalid_request');
  assert.equal(bedrockError('ValidationException', 'Input is too long for requested model.').code, 'caller_context_length_exceeded');
  assert.equal(bedrockError('InvalidSignatureException', 'The request signature we calculated does not match').code, 'provider_authentication');
  assert.equal(bedrockError('UnrecognizedClientException', 'The security token included in the request is invalid.').code, 'provider_authentication');
  assert.equal(bedrockError('ServiceUnavailableException', undefined).code, 'provider_overloaded');
  assert.equal(bedrockError('ModelTimeoutException', undefined).code, 'provider_timeout');
  assert.equal(bedrockError(undefined, undefined, 429).code, 'provider_rate_limited');
  assert.doesNotMatch(bedrockError('AccessDeniedException', 'secret account detail').message, /secret account detail/);
});
