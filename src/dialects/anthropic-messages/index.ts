import type { DialectCodec } from '../../core/dialect.ts';
import { decodeRequest } from './decode-request.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeError, encodeError } from './errors.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';

/** The Anthropic Messages API (`POST /v1/messages`), both halves. */
export const anthropicMessagesCodec: DialectCodec = {
  id: 'anthropic-messages',
  decodeRequest,
  encodeResponse,
  createStreamEncoder,
  encodeError,
  encodeRequest,
  decodeResponse,
  createStreamDecoder,
  decodeError,
};

export { AnthropicStreamDecoder } from './stream-decoder.ts';
export { AnthropicStreamEncoder } from './stream-encoder.ts';
export { anthropicModelProfile } from './model-profile.ts';
export type * from './wire.ts';
export { anthropicForwardedHeaders } from './forwarded-headers.ts';
