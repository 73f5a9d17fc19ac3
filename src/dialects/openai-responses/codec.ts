import type { DialectCodec } from '../../core/dialect.ts';
import { decodeRequest } from './decode-request.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeError, encodeError } from './errors.ts';
import { ResponsesStreamDecoder } from './stream-decoder.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';

/** The OpenAI Responses API (`POST /v1/responses`): what Codex CLI speaks. */
export const openaiResponsesCodec: DialectCodec = {
  id: 'openai-responses',
  decodeRequest,
  encodeResponse,
  createStreamEncoder: (context) => new ResponsesStreamEncoder(context),
  encodeError,
  encodeRequest,
  decodeResponse,
  createStreamDecoder: (context) => new ResponsesStreamDecoder(context),
  decodeError,
};
