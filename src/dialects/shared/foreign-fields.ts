import { GatewayError } from '../../core/errors.ts';
import type { DialectId, ModelRequest } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';

/**
 * What becomes of a client field the IR has no slot for when the target speaks another
 * dialect (the same dialect's encoder sends it back as is): `refuse` is a 400 naming it (the
 * answer would be wrong or the client would wait for something that never comes), `warn` is
 * a `field_dropped` warning (in `x-switchyard-warnings` and the log row), `inert` is a field
 * that changes nothing for a non-OpenAI target. A field not listed is warned about: never
 * dropped silently. The table is docs/translation-gaps.md "Request fields".
 */
type Policy = { action: 'refuse' | 'warn'; why: string } | { action: 'inert' };

const POLICIES: Partial<Record<DialectId, Record<string, Policy>>> = {
  'openai-responses': {
    background: { action: 'refuse', why: 'background responses are only run by OpenAI (the gateway keeps no response to poll)' },
    previous_response_id: {
      action: 'refuse',
      why: 'the gateway expands a continuation before translating; one that reaches a provider was not expanded, so send the whole conversation in `input`',
    },
    conversation: { action: 'refuse', why: 'conversations are stored by OpenAI only; send the whole conversation in `input` instead' },
    prompt: { action: 'refuse', why: 'prompt templates are stored by OpenAI only' },
    top_logprobs: { action: 'warn', why: 'no log probabilities are translated' },
    max_tool_calls: { action: 'warn', why: 'the target has no limit on built-in tool calls' },
    service_tier: { action: 'warn', why: 'service tiers are OpenAI’s' },
    truncation: { action: 'warn', why: 'the target does not truncate the input for you' },
    text: { action: 'warn', why: 'text.verbosity has no equivalent' },
    reasoning: { action: 'warn', why: 'only reasoning effort and summary are translated' },
    prompt_cache_retention: { action: 'warn', why: 'cache retention is OpenAI’s' },
    // Codex sends these on every request; they ask nothing a non-OpenAI target could do otherwise.
    store: { action: 'inert' },
    include: { action: 'inert' },
    stream_options: { action: 'inert' },
    client_metadata: { action: 'inert' },
    safety_identifier: { action: 'inert' },
    tools: { action: 'inert' },
  },
  'openai-chat': {
    logprobs: { action: 'warn', why: 'no log probabilities are translated (`logprobs` comes back null)' },
    top_logprobs: { action: 'warn', why: 'no log probabilities are translated' },
    seed: { action: 'warn', why: 'the target has no sampling seed' },
    logit_bias: { action: 'warn', why: 'the target takes no token biases' },
    presence_penalty: { action: 'warn', why: 'no penalty is translated' },
    frequency_penalty: { action: 'warn', why: 'no penalty is translated' },
    service_tier: { action: 'warn', why: 'service tiers are OpenAI’s' },
    prediction: { action: 'warn', why: 'predicted outputs are OpenAI’s' },
    modalities: { action: 'warn', why: 'only text output is translated' },
    audio: { action: 'warn', why: 'only text output is translated' },
    web_search_options: { action: 'warn', why: 'web search options have no equivalent' },
    verbosity: { action: 'warn', why: 'verbosity has no equivalent' },
    // Read on the client surface (usage chunk, one choice) or asking nothing of the target.
    stream_options: { action: 'inert' },
    n: { action: 'inert' },
    store: { action: 'inert' },
    user: { action: 'inert' },
    safety_identifier: { action: 'inert' },
    tools: { action: 'inert' },
    tool_choice: { action: 'inert' },
  },
};

/** Refuses or warns about the OpenAI client fields `target` cannot honour (see POLICIES). */
export function checkForeignFields(request: ModelRequest, target: DialectId, warnings: Warnings): void {
  for (const [dialect, policies] of Object.entries(POLICIES) as Array<[DialectId, Record<string, Policy>]>) {
    if (dialect === target) continue;
    const extension = request.extensions[dialect];
    if (!extension) continue;
    for (const [field, value] of Object.entries(extension)) {
      if (isUnset(value) || (field === 'top_logprobs' && value === 0)) continue;
      const policy = policies[field] ?? { action: 'warn', why: 'it has no equivalent' };
      if (policy.action === 'inert') continue;
      const message = `${field} cannot be honoured by this model's provider: ${policy.why}.`;
      if (policy.action === 'refuse') throw new GatewayError({ code: 'caller_unsupported', message, param: field });
      warnings.add('field_dropped', `${field} was not sent: ${policy.why}.`);
    }
  }
}

/** Not set, off, or empty: nothing was asked. */
function isUnset(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
