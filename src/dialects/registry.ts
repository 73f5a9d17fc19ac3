import type { DialectCodec } from '../core/dialect.ts';
import type { DialectId } from '../core/ir/index.ts';
import { anthropicMessagesCodec } from './anthropic-messages/index.ts';
import { geminiCodec } from './gemini/index.ts';
import { openaiChatCodec } from './openai-chat/index.ts';
import { openaiResponsesCodec } from './openai-responses/index.ts';

/** Every codec by dialect id: any inbound surface can reach any provider through these. */
export const dialectCodecs: Record<DialectId, DialectCodec> = {
  'openai-responses': openaiResponsesCodec,
  'openai-chat': openaiChatCodec,
  'anthropic-messages': anthropicMessagesCodec,
  gemini: geminiCodec,
};
