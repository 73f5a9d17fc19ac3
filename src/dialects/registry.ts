import type { DialectCodec } from '../core/dialect.ts';
import type { DialectId } from '../core/ir/index.ts';
import { openaiResponsesCodec } from './openai-responses/index.ts';
import { anthropicMessagesCodec } from './anthropic-messages/index.ts';

/** Every codec by dialect id; a dialect missing here cannot be reached yet. */
export const dialectCodecs: Partial<Record<DialectId, DialectCodec>> = {
  'openai-responses': openaiResponsesCodec,
  'anthropic-messages': anthropicMessagesCodec,
};
