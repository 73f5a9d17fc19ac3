import { mayHoldMember } from '../../core/raw-member-search.ts';
import type { TargetProfile } from '../../core/dialect.ts';
import type { RequestBody } from '../../core/request-body.ts';
import type { PassthroughAdaptContext } from '../../core/surface.ts';
import { looksSealed, SEAL_PREFIX } from '../shared/sealed-envelope.ts';
import { isRecord } from './wire.ts';

/**
 * A Responses client's body for a Responses target (the passthrough): a reasoning item whose
 * `encrypted_content` is a gateway envelope (Claude or Gemini reasoning carried through Codex)
 * is not OpenAI's, which answers 400 `invalid_encrypted_content`; the item is dropped. Other
 * bodies cost a byte search and pass untouched.
 */
export function adaptForTarget(body: RequestBody, _target: TargetProfile, context: PassthroughAdaptContext): Buffer | undefined {
  // Parsed already (the guardrails read most bodies): the items are looked at directly.
  if (!body.isParsed() && !mayHoldMember(body.raw, 'encrypted_content', SEAL_PREFIX)) return undefined;
  const fields = body.fields();
  if (!Array.isArray(fields.input)) return undefined;
  const input = fields.input.filter(
    (item) => !(isRecord(item) && item.type === 'reasoning' && typeof item.encrypted_content === 'string' && looksSealed(item.encrypted_content)),
  );
  if (input.length === fields.input.length) return undefined;
  context.warnings.add(
    'reasoning_dropped',
    `${fields.input.length - input.length} reasoning item(s) carried another provider's reasoning, which OpenAI cannot decrypt; dropped.`,
  );
  return Buffer.from(JSON.stringify({ ...fields, input }), 'utf8');
}
