import type { DialectCodec } from '../core/dialect.ts';
import type { DialectId } from '../core/ir/index.ts';
import type { Surface } from '../core/surface.ts';
import { messagesSurface } from './anthropic-messages/index.ts';
import { converseSurface } from './bedrock-converse/index.ts';
import { geminiSurface } from './gemini/index.ts';
import { chatSurface } from './openai-chat/index.ts';
import { responsesSurface } from './openai-responses/index.ts';

/** Every dialect by id: adding a dialect is one folder plus one line here. */
export const dialects: Record<DialectId, Surface> = {
  'openai-responses': responsesSurface,
  'openai-chat': chatSurface,
  'anthropic-messages': messagesSurface,
  gemini: geminiSurface,
  'bedrock-converse': converseSurface,
};

/** Every codec by dialect id: any inbound surface can reach any provider through these. */
export const dialectCodecs = Object.fromEntries(Object.entries(dialects).map(([id, surface]) => [id, surface.codec])) as Record<DialectId, DialectCodec>;
