import type { DialectCodec } from '../../core/dialect.ts';
import { decodeRequest } from './decode-request.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeError, encodeError } from './errors.ts';
import { createStreamDecoder } from './stream-decoder.ts';
import { createStreamEncoder } from './stream-encoder.ts';

/** Amazon Bedrock Converse (`/model/{id}/converse`) and ConverseStream (`/converse-stream`), both halves. */
export const converseCodec: DialectCodec = {
  id: 'bedrock-converse',
  decodeRequest,
  encodeResponse,
  createStreamEncoder,
  encodeError,
  encodeRequest,
  decodeResponse,
  createStreamDecoder,
  decodeError,
};
