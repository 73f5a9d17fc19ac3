import type { DialectCodec } from '../../core/dialect.ts';
import type { Usage } from '../../core/ir/index.ts';
import { decodeRequest } from './decode-request.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeError, encodeError, encodeFailedEventCode } from './errors.ts';
import { decodeUsage } from './map-usage.ts';
import { ResponsesStreamDecoder } from './stream-decoder.ts';
import { ResponsesStreamEncoder } from './stream-encoder.ts';
import { isRecord } from './wire.ts';

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

/**
 * Usage from a terminal stream event payload (`response.completed` / `.incomplete` /
 * `.failed`), for the passthrough path that forwards bytes and only meters them. Accepts the
 * bare response object as well.
 */
export function readResponsesUsage(completedEventJson: unknown): Usage | undefined {
  if (!isRecord(completedEventJson)) return undefined;
  const response = isRecord(completedEventJson.response) ? completedEventJson.response : completedEventJson;
  return decodeUsage(response.usage);
}

/** The `response.failed` `error.code` Codex classifies, for a gateway error after the stream started. */
export const responsesFailureCode = encodeFailedEventCode;

export { decodeReasoningEnvelope, encodeReasoningEnvelope, type ReasoningEnvelope } from './reasoning-envelope.ts';
export { decodeStopReason, encodeStopReason } from './map-stop-reason.ts';
export { decodeResponseFailure, encodeFailedEventCode } from './errors.ts';
export { ResponsesStreamDecoder, ResponsesStreamEncoder };
export { responsesForwardedHeaders } from './forwarded-headers.ts';
