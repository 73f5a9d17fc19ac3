import type { FinishReason } from '../../core/ir/index.ts';

/**
 * Responses has no finish reason of its own: a response is `completed`, `incomplete` (with
 * `incomplete_details.reason`) or `failed`, and "the model called tools" is only visible from
 * the output items.
 */
export interface ResponsesOutcome {
  status: string;
  incompleteReason?: string | undefined;
  hasToolCalls?: boolean;
  hasRefusal?: boolean;
}

export function decodeStopReason(outcome: ResponsesOutcome): FinishReason {
  switch (outcome.status) {
    case 'completed':
      if (outcome.hasToolCalls) return { unified: 'tool_calls', raw: 'completed' };
      if (outcome.hasRefusal) return { unified: 'refusal', raw: 'completed' };
      return { unified: 'stop', raw: 'completed' };
    case 'incomplete': {
      const reason = outcome.incompleteReason;
      // The API reference example says `max_tokens`; the schema enum says `max_output_tokens`.
      if (reason === 'max_output_tokens' || reason === 'max_tokens') return { unified: 'length', raw: reason };
      if (reason === 'content_filter') return { unified: 'content_filter', raw: reason };
      return { unified: 'other', raw: reason ?? 'incomplete' };
    }
    case 'failed':
    case 'cancelled':
      return { unified: 'error', raw: outcome.status };
    default:
      return { unified: 'other', raw: outcome.status };
  }
}

export interface EncodedStopReason {
  status: 'completed' | 'incomplete' | 'failed';
  incompleteDetails: { reason: 'max_output_tokens' | 'content_filter' } | null;
}

export function encodeStopReason(finishReason: FinishReason): EncodedStopReason {
  switch (finishReason.unified) {
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
    case 'error':
      return { status: 'failed', incompleteDetails: null };
    default:
      // stop, tool_calls, refusal, pause and other all end a Responses turn normally.
      return { status: 'completed', incompleteDetails: null };
  }
}
