import type { Usage } from '../../core/ir/index.ts';
import { decodeUsage } from './map-usage.ts';
import { isRecord } from './wire.ts';

/**
 * Usage from one stream chunk (the `choices: []` one, or Groq's `x_groq`), for the passthrough
 * path that forwards bytes and only meters them; undefined on chunks without usage.
 */
export function readChatUsage(chunk: unknown): Usage | undefined {
  if (!isRecord(chunk)) return undefined;
  return decodeUsage(chunk.usage) ?? (isRecord(chunk.x_groq) ? decodeUsage(chunk.x_groq.usage) : undefined);
}
