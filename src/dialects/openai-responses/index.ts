// Everything the rest of the gateway sees of the OpenAI Responses dialect.
export { openaiResponsesCodec } from './codec.ts';
export { responsesSurface } from './surface.ts';
export { readResponsesUsage } from './read-responses-usage.ts';
export { ResponsesMeter } from './passthrough-meter.ts';
export { decodeReasoningEnvelope, encodeReasoningEnvelope, type ReasoningEnvelope } from './reasoning-envelope.ts';
export { decodeStopReason, encodeStopReason } from './map-stop-reason.ts';
export { decodeResponseFailure, encodeFailedEventCode } from './errors.ts';
export { ResponsesStreamDecoder } from './stream-decoder.ts';
export { ResponsesStreamEncoder } from './stream-encoder.ts';
export { responsesForwardedHeaders } from './forwarded-headers.ts';
