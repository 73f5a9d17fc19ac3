import type { DialectCodec } from '../../core/dialect.ts';
import type { Usage } from '../../core/ir/index.ts';
import { decodeRequest } from './decode-request.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeError, encodeError } from './errors.ts';
import { decodeUsage } from './map-usage.ts';
import { ChatStreamDecoder } from './stream-decoder.ts';
import { ChatStreamEncoder } from './stream-encoder.ts';
import { isRecord } from './wire.ts';

/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`) as OpenAI and the compatible servers
 * (vLLM, Ollama, Groq, Mistral, OpenRouter, DeepSeek, Azure) speak it, both halves.
 */
export const openaiChatCodec: DialectCodec = {
  id: 'openai-chat',
  decodeRequest,
  encodeResponse,
  createStreamEncoder: (context) => new ChatStreamEncoder(context),
  encodeError,
  encodeRequest,
  decodeResponse,
  createStreamDecoder: (context) => new ChatStreamDecoder(context),
  decodeError,
};

/**
 * Usage from one stream chunk (the `choices: []` one, or Groq's `x_groq`), for the passthrough
 * path that forwards bytes and only meters them; undefined on chunks without usage.
 */
export function readChatUsage(chunk: unknown): Usage | undefined {
  if (!isRecord(chunk)) return undefined;
  return decodeUsage(chunk.usage) ?? (isRecord(chunk.x_groq) ? decodeUsage(chunk.x_groq.usage) : undefined);
}

export { ChatStreamDecoder, ChatStreamEncoder };
export { decodeStreamError, encodeStreamError } from './errors.ts';
export { decodeStopReason, encodeStopReason } from './map-stop-reason.ts';
export type * from './wire.ts';
export { chatForwardedHeaders } from './forwarded-headers.ts';
