// Everything the rest of the gateway sees of the Gemini dialect.
export { geminiCodec } from './codec.ts';
export { geminiSurface, geminiPathModel } from './surface.ts';
export { GeminiMeter } from './passthrough-meter.ts';
export { GeminiStreamDecoder } from './stream-decoder.ts';
export { GeminiStreamEncoder } from './stream-encoder.ts';
export { geminiModelProfile } from './model-profile.ts';
export { decodeUsage as readGeminiUsage } from './map-usage.ts';
export type * from './wire.ts';
export { geminiForwardedHeaders } from './forwarded-headers.ts';
