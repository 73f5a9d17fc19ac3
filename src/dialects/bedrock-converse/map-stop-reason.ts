import type { FinishReason, UnifiedFinishReason } from '../../core/ir/index.ts';

const unifiedOf: Record<string, UnifiedFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** Converse `stopReason` → the IR finish reason (the raw word kept). */
export function decodeStopReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  if (raw === undefined) return { unified: hasToolCalls ? 'tool_calls' : 'stop' };
  const unified = unifiedOf[raw] ?? 'other';
  return { unified: unified === 'stop' && hasToolCalls ? 'tool_calls' : unified, raw };
}

/** The IR finish reason → a Converse `stopReason` (the client half). */
export function encodeStopReason(reason: FinishReason): string {
  if (reason.raw !== undefined && reason.raw in unifiedOf) return reason.raw;
  switch (reason.unified) {
    case 'tool_calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content_filter':
    case 'refusal':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}
