import { mayHoldMember } from '../../core/raw-member-search.ts';
import type { TargetProfile } from '../../core/dialect.ts';
import type { RequestBody } from '../../core/request-body.ts';
import type { PassthroughAdaptContext } from '../../core/surface.ts';
import { looksSealed, SEAL_PREFIX } from '../shared/sealed-envelope.ts';
import { dummyThoughtSignature } from './encode-contents.ts';
import { geminiModelProfile } from './model-profile.ts';
import { isRecord } from './wire.ts';

/**
 * A Gemini client's body for a Gemini target (the passthrough): a `thoughtSignature` that is a
 * gateway envelope (another provider's reasoning, carried while the conversation was served by
 * Claude or OpenAI) is not Gemini's and would be refused. It is removed; on a function call of
 * a model that validates signatures (Gemini 3) it becomes the documented dummy, as the
 * translated path does. Other bodies cost a byte search and pass untouched.
 */
export function adaptForTarget(body: RequestBody, target: TargetProfile, context: PassthroughAdaptContext): Buffer | undefined {
  if (!mayHoldMember(body.raw, 'thoughtSignature', SEAL_PREFIX)) return undefined;
  const fields = body.fields();
  if (!Array.isArray(fields.contents)) return undefined;
  const validates = geminiModelProfile(target.model, target.quirks).validatesSignatures;
  let changed = 0;
  const contents = fields.contents.map((content) => {
    if (!isRecord(content) || !Array.isArray(content.parts)) return content;
    const parts: unknown[] = [];
    for (const part of content.parts) {
      if (!isRecord(part) || typeof part.thoughtSignature !== 'string' || !looksSealed(part.thoughtSignature)) {
        parts.push(part);
        continue;
      }
      changed++;
      const { thoughtSignature: _sealed, ...rest } = part;
      if (isRecord(rest.functionCall)) parts.push(validates ? { ...rest, thoughtSignature: dummyThoughtSignature } : rest);
      else if (!(rest.text === '' && Object.keys(rest).length === 1)) parts.push(rest);
    }
    return parts.length === content.parts.length && changed === 0 ? content : { ...content, parts };
  });
  if (changed === 0) return undefined;
  context.warnings.add('reasoning_dropped', `${changed} thoughtSignature(s) carried another provider's reasoning, which Gemini cannot verify; removed.`);
  return Buffer.from(JSON.stringify({ ...fields, contents }), 'utf8');
}
