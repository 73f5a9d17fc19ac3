// Everything the rest of the gateway sees of the Bedrock Converse dialect.
export { converseCodec } from './codec.ts';
export { converseSurface, conversePathModel } from './surface.ts';
export { ConverseMeter } from './passthrough-meter.ts';
export { ConverseStreamDecoder } from './stream-decoder.ts';
export { converseEvent } from './stream-encoder.ts';
export { isClaudeModel } from './model-family.ts';
export { converseForwardedHeaders } from './forwarded-headers.ts';
export { converseStreamExceptions } from './wire.ts';
export { bedrockErrorMessage, bedrockErrorShape, bedrockErrorType } from './bedrock-error-shape.ts';
export type * from './wire.ts';
