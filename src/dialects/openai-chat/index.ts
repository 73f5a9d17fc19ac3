// Everything the rest of the gateway sees of the OpenAI Chat Completions dialect.
export { openaiChatCodec } from './codec.ts';
export { chatSurface } from './surface.ts';
export { readChatUsage } from './read-chat-usage.ts';
export { ChatMeter } from './passthrough-meter.ts';
export { ChatStreamDecoder } from './stream-decoder.ts';
export { ChatStreamEncoder } from './stream-encoder.ts';
export { decodeStreamError, encodeStreamError } from './errors.ts';
export { decodeStopReason, encodeStopReason } from './map-stop-reason.ts';
export type * from './wire.ts';
export { chatForwardedHeaders } from './forwarded-headers.ts';
