import { mayHoldMember } from '../../core/raw-member-search.ts';
import type { TargetProfile } from '../../core/dialect.ts';
import type { RequestBody } from '../../core/request-body.ts';
import { isRecord } from './wire.ts';

/** Freeform tools, their calls in the history, or a tool_choice naming one. */
function usesCustomTools(fields: Record<string, unknown>): boolean {
  const custom = (value: unknown) => isRecord(value) && value.type === 'custom';
  if (Array.isArray(fields.tools) && fields.tools.some(custom)) return true;
  if (custom(fields.tool_choice)) return true;
  return (
    Array.isArray(fields.messages) &&
    fields.messages.some((message) => isRecord(message) && Array.isArray(message.tool_calls) && message.tool_calls.some(custom))
  );
}

/** A system or developer message after the first non-system one. */
function hasLateSystem(fields: Record<string, unknown>): boolean {
  if (!Array.isArray(fields.messages)) return false;
  let conversationStarted = false;
  for (const message of fields.messages) {
    const role = isRecord(message) ? message.role : undefined;
    if (role === 'system' || role === 'developer') {
      if (conversationStarted) return true;
    } else conversationStarted = true;
  }
  return false;
}

/**
 * A Chat client's body for a Chat server (the passthrough). Servers that take only function
 * tools (vLLM, Ollama…: no `custom_tools: true` quirk) refuse freeform tools, and templates
 * that take system content only first (`system_message_first_only: true`) refuse a later
 * system turn; both bodies take the translated path (Chat → IR → Chat), whose encoder wraps
 * freeform tools as functions with one string `input` (and unwraps their calls for the client)
 * and moves late system text into marked user text. Other bodies cost a few byte searches.
 */
export function adaptForTarget(body: RequestBody, target: TargetProfile): 'translate' | undefined {
  const quirks = target.quirks ?? {};
  if (quirks.custom_tools !== true && mayHoldMember(body.raw, 'type', 'custom"') && usesCustomTools(body.fields())) return 'translate';
  if (
    quirks.system_message_first_only === true &&
    (mayHoldMember(body.raw, 'role', 'system"') || mayHoldMember(body.raw, 'role', 'developer"')) &&
    hasLateSystem(body.fields())
  )
    return 'translate';
  return undefined;
}
