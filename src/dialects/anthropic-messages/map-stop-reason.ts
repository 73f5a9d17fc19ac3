import type { FinishReason, UnifiedFinishReason } from '../../core/ir/index.ts';
import type { AnthropicStopReason } from './wire.ts';

const unifiedByStopReason: Record<AnthropicStopReason, UnifiedFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  // The prompt plus output reached the model's window: the same "cut off" for the caller.
  model_context_window_exceeded: 'length',
  refusal: 'refusal',
  // A server-tool loop paused; the caller resends the turn to continue.
  pause_turn: 'pause',
};

/** Anthropic `stop_reason` → the unified reason, keeping the provider's word in `raw`. */
export function decodeStopReason(stopReason: string | null | undefined): FinishReason {
  if (stopReason === null || stopReason === undefined) return { unified: 'other' };
  const unified = (unifiedByStopReason as Record<string, UnifiedFinishReason | undefined>)[stopReason];
  return { unified: unified ?? 'other', raw: stopReason };
}

/** The unified reason → an Anthropic `stop_reason` (the raw one when it still agrees). */
export function encodeStopReason(finishReason: FinishReason): AnthropicStopReason {
  const raw = finishReason.raw as AnthropicStopReason | undefined;
  if (raw !== undefined && unifiedByStopReason[raw] === finishReason.unified) return raw;
  switch (finishReason.unified) {
    case 'tool_calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'refusal':
    case 'content_filter':
      return 'refusal';
    case 'pause':
      return 'pause_turn';
    default:
      return 'end_turn';
  }
}
