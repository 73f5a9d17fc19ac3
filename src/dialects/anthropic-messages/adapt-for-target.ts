import { mayHoldMember } from '../../core/raw-member-search.ts';
import type { TargetProfile } from '../../core/dialect.ts';
import type { RequestBody } from '../../core/request-body.ts';
import type { PassthroughAdaptContext } from '../../core/surface.ts';
import { SEAL_PREFIX } from '../shared/sealed-envelope.ts';
import { foldSystemMessages, stripSealedThinking } from './fold-system-messages.ts';
import { acceptsSystemMessages } from './model-profile.ts';
import { addCacheBreakpoints } from './add-cache-breakpoints.ts';
import type { AnthropicMessagesRequest } from './wire.ts';

function betasOf(headers: PassthroughAdaptContext['headers']): string[] {
  const value = headers['anthropic-beta'];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',').map((beta) => beta.trim());
}

/**
 * An Anthropic client's body for an Anthropic target (the passthrough), changed only where the
 * target would refuse it: `role: "system"` turns for a model that takes none (Claude Code sends
 * them behind any alias it does not know; the client cannot know what the alias hides), and
 * thinking blocks that carry another provider's reasoning in a gateway envelope. Other bodies
 * cost three byte searches and pass untouched. A body
 * without any `cache_control` gets the gateway's cache breakpoints (add-cache-breakpoints.ts), unless
 * the model's `cache.prompt_caching` is false.
 */
export function adaptForTarget(body: RequestBody, target: TargetProfile, context: PassthroughAdaptContext): Buffer | undefined {
  const systemTurns = mayHoldMember(body.raw, 'role', 'system"');
  const sealed = mayHoldMember(body.raw, 'signature', SEAL_PREFIX);
  // A client that places no breakpoint of its own gets the gateway's (decision 0012); one that does is left alone.
  const breakpoints = target.promptCaching !== false && body.raw.indexOf('"cache_control"') === -1;
  if (!systemTurns && !sealed && !breakpoints) return undefined;
  const fields = body.fields();
  let next = fields;
  const accepted = acceptsSystemMessages(target.model, target.quirks) && betasOf(context.headers).some((beta) => beta.startsWith('per-turn-control'));
  if (systemTurns && !accepted) next = foldSystemMessages(next, context.warnings);
  if (sealed) next = stripSealedThinking(next, context.warnings);
  if (breakpoints && Array.isArray(next['messages'])) {
    // The marker replaces blocks in these arrays: copies, so the parsed body stays as received.
    const messages = (next['messages'] as AnthropicMessagesRequest['messages']).slice();
    const last = messages.at(-1);
    if (last && Array.isArray(last.content)) messages[messages.length - 1] = { ...last, content: last.content.slice() };
    const marked = { ...next, messages } as unknown as AnthropicMessagesRequest;
    if (Array.isArray(marked.tools)) marked.tools = marked.tools.slice();
    if (Array.isArray(marked.system)) marked.system = marked.system.slice();
    addCacheBreakpoints(marked);
    next = marked as unknown as Record<string, unknown>;
  }
  return next === fields ? undefined : Buffer.from(JSON.stringify(next), 'utf8');
}
