// Everything the rest of the gateway sees of the Anthropic Messages dialect.
export { anthropicMessagesCodec } from './codec.ts';
export { messagesSurface } from './surface.ts';
export { AnthropicMeter } from './passthrough-meter.ts';
export { AnthropicStreamDecoder } from './stream-decoder.ts';
export { AnthropicStreamEncoder } from './stream-encoder.ts';
export { anthropicModelProfile } from './model-profile.ts';
export type * from './wire.ts';
export { anthropicForwardedHeaders } from './forwarded-headers.ts';
