import type { DialectCodec } from '../../core/dialect.ts';
import { decodeRequest } from './decode-request.ts';
import { decodeResponse } from './decode-response.ts';
import { encodeRequest } from './encode-request.ts';
import { encodeResponse } from './encode-response.ts';
import { decodeError, encodeError } from './errors.ts';
import { ChatStreamDecoder } from './stream-decoder.ts';
import { ChatStreamEncoder } from './stream-encoder.ts';

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
