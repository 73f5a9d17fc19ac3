import type { FinishReason, UnifiedFinishReason } from '../../core/ir/index.ts';
import type { GeminiFinishReason } from './wire.ts';

/** Gemini `finishReason` → unified. `STOP` becomes `tool_calls` in the decoders when calls were emitted. */
const unifiedByFinishReason: Record<GeminiFinishReason, UnifiedFinishReason> = {
  FINISH_REASON_UNSPECIFIED: 'other',
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  LANGUAGE: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
  IMAGE_RECITATION: 'content_filter',
  IMAGE_OTHER: 'other',
  NO_IMAGE: 'other',
  OTHER: 'other',
  // The model produced a call Gemini could not parse or did not allow: no usable answer.
  MALFORMED_FUNCTION_CALL: 'error',
  UNEXPECTED_TOOL_CALL: 'error',
  TOO_MANY_TOOL_CALLS: 'error',
  MISSING_THOUGHT_SIGNATURE: 'error',
};

/** The unified reason for a candidate's `finishReason`; `hasToolCalls` turns `STOP` into `tool_calls`. */
export function decodeFinishReason(finishReason: string, hasToolCalls: boolean): FinishReason {
  const unified = (unifiedByFinishReason as Record<string, UnifiedFinishReason | undefined>)[finishReason] ?? 'other';
  if (unified === 'stop' && hasToolCalls) return { unified: 'tool_calls', raw: finishReason };
  return { unified, raw: finishReason };
}

/** The unified reason → a Gemini `finishReason` (the raw one when it still agrees). */
export function encodeFinishReason(finishReason: FinishReason): GeminiFinishReason {
  const raw = finishReason.raw as GeminiFinishReason | undefined;
  if (raw !== undefined && raw in unifiedByFinishReason) {
    const unified = unifiedByFinishReason[raw];
    if (unified === finishReason.unified || (raw === 'STOP' && finishReason.unified === 'tool_calls')) return raw;
  }
  switch (finishReason.unified) {
    case 'stop':
    case 'tool_calls':
    case 'pause':
      // Gemini has no tool-call reason: calls end with STOP.
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
    case 'refusal':
      return 'SAFETY';
    case 'error':
    case 'other':
      return 'OTHER';
  }
}
