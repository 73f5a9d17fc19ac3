import type { FinishReason } from '../../core/ir/index.ts';
import type { ChatFinishReason } from './wire.ts';

/** What the choice held besides its `finish_reason`, which does not always say it. */
export interface ChatOutcome {
  hasToolCalls: boolean;
  hasRefusal: boolean;
}

/**
 * `finish_reason` into the IR. Compatible servers use more words than
 * OpenAI's five, and some answer `stop` after tool calls (Ollama did), so the content decides
 * between `stop`, `tool_calls` and `refusal` (a refusal is `stop` + `delta.refusal`).
 */
export function decodeStopReason(raw: string, outcome: ChatOutcome): FinishReason {
  switch (raw) {
    case 'stop':
    case 'eos':
    case 'eos_token':
    case 'end_turn':
    case 'stop_sequence':
      if (outcome.hasToolCalls) return { unified: 'tool_calls', raw };
      if (outcome.hasRefusal) return { unified: 'refusal', raw };
      return { unified: 'stop', raw };
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return { unified: 'tool_calls', raw };
    case 'length':
    case 'max_tokens':
    case 'model_length':
      return { unified: 'length', raw };
    case 'content_filter':
      return { unified: 'content_filter', raw };
    case 'error':
      return { unified: 'error', raw };
    default:
      return outcome.hasToolCalls ? { unified: 'tool_calls', raw } : { unified: 'other', raw };
  }
}

/**
 * The `finish_reason` a Chat client gets; Chat has no word for refusal, pause or error. A
 * provider that stopped because it refused (Anthropic `stop_reason: "refusal"`) is
 * `content_filter` (with the refusal in `refusal`); an OpenAI model that wrote a refusal and
 * ended normally (`stop` / `completed`) stays `stop`, as OpenAI sends it. A model error never
 * gets here as a finish reason (model-stop.ts makes it a failure).
 */
export function encodeStopReason(finishReason: FinishReason): ChatFinishReason {
  switch (finishReason.unified) {
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'refusal':
      return finishReason.raw === 'stop' || finishReason.raw === 'completed' ? 'stop' : 'content_filter';
    default:
      // stop, pause and other end a choice normally.
      return 'stop';
  }
}
