import type { DialectCodec } from '../../core/dialect.ts';
import { decodeRequest } from './decode-request.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeError, encodeError } from './errors.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';

/** The Gemini API (`v1beta` `:generateContent`, `:streamGenerateContent?alt=sse`), both halves. */
export const geminiCodec: DialectCodec = {
  id: 'gemini',
  decodeRequest,
  encodeResponse,
  createStreamEncoder,
  encodeError,
  encodeRequest,
  decodeResponse,
  createStreamDecoder,
  decodeError,
};

export { GeminiStreamDecoder } from './stream-decoder.ts';
export { GeminiStreamEncoder } from './stream-encoder.ts';
export { geminiModelProfile } from './model-profile.ts';
export { decodeUsage as readGeminiUsage } from './map-usage.ts';
export type * from './wire.ts';
export { geminiForwardedHeaders } from './forwarded-headers.ts';
