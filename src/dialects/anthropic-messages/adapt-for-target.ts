import { mayHoldMember } from '../../core/raw-member-search.ts';
import type { TargetProfile } from '../../core/dialect.ts';
import type { RequestBody } from '../../core/request-body.ts';
import type { PassthroughAdaptContext } from '../../core/surface.ts';
import { SEAL_PREFIX } from '../shared/sealed-envelope.ts';
import { foldSystemMessages, stripSealedThinking } from './fold-system-messages.ts';
import { acceptsSystemMessages } from './model-profile.ts';

function betasOf(headers: PassthroughAdaptContext['headers']): string[] {
  const value = headers['anthropic-beta'];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).split(',').map((beta) => beta.trim());
}

/**
 * An Anthropic client's body for an Anthropic target (the passthrough), changed only where the
 * target would refuse it: `role: "system"` turns for a model that takes none (Claude Code sends
 * them behind any alias it does not know; the client cannot know what the alias hides), and
 * thinking blocks that carry another provider's reasoning in a gateway envelope. Other bodies
 * cost two byte searches and pass untouched.
 */
export function adaptForTarget(body: RequestBody, target: TargetProfile, context: PassthroughAdaptContext): Buffer | undefined {
  const systemTurns = mayHoldMember(body.raw, 'role', 'system"');
  const sealed = mayHoldMember(body.raw, 'signature', SEAL_PREFIX);
  if (!systemTurns && !sealed) return undefined;
  const fields = body.fields();
  let next = fields;
  const accepted = acceptsSystemMessages(target.model, target.quirks) && betasOf(context.headers).some((beta) => beta.startsWith('per-turn-control'));
  if (systemTurns && !accepted) next = foldSystemMessages(next, context.warnings);
  if (sealed) next = stripSealedThinking(next, context.warnings);
  return next === fields ? undefined : Buffer.from(JSON.stringify(next), 'utf8');
}
