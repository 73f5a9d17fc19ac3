import type { PartSignature, ProviderFamily, ReasoningBlock } from '../../core/ir/index.ts';
import { looksSealed, seal, unseal } from './sealed-envelope.ts';

/**
 * Provider secrets carried through a client of another dialect, in the slot that client
 * echoes verbatim: a thinking block's `signature` (Claude Code), a part's `thoughtSignature`
 * (Gemini CLI), a tool-call id (Chat clients). The value is a sealed envelope
 * (`sealed-envelope.ts`), so only this gateway recognises it; decoders turn it back into the
 * blocks it carried and encoders replay those only to the family that issued them.
 */

const FAMILIES: ReadonlySet<string> = new Set(['openai', 'anthropic', 'gemini', 'openai-compatible']);

/** Whether a reasoning block holds something its provider needs back (else it need not travel). */
export function carriesSecret(block: ReasoningBlock): boolean {
  if (block.family === 'openai') return block.encryptedContent !== undefined && !looksSealed(block.encryptedContent);
  if (block.family === 'anthropic') return block.redactedData !== undefined || (block.signature !== undefined && block.signature !== '');
  return false;
}

/** Reasoning blocks as one envelope (`r`: the blocks, without the IR `type`). */
export function sealReasoning(blocks: readonly ReasoningBlock[]): string {
  return seal({ r: blocks.map(({ type: _type, ...rest }) => rest) });
}

/** The reasoning blocks of an envelope this gateway sealed, or undefined. */
export function unsealReasoning(value: string): ReasoningBlock[] | undefined {
  const payload = unseal(value) as { r?: unknown } | undefined;
  if (typeof payload !== 'object' || payload === null || !Array.isArray(payload.r)) return undefined;
  const blocks: ReasoningBlock[] = [];
  for (const raw of payload.r) {
    const block = readBlock(raw);
    if (!block) return undefined;
    blocks.push(block);
  }
  return blocks;
}

function readBlock(raw: unknown): ReasoningBlock | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  if (typeof record.family !== 'string' || !FAMILIES.has(record.family)) return undefined;
  if (!isStrings(record.summary)) return undefined;
  const block: ReasoningBlock = { type: 'reasoning', family: record.family as ProviderFamily, summary: record.summary };
  if (record.text !== undefined) {
    if (!isStrings(record.text)) return undefined;
    block.text = record.text;
  }
  for (const key of ['itemId', 'encryptedContent', 'signature', 'redactedData'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return undefined;
    block[key] = value;
  }
  return block;
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((entry) => typeof entry === 'string');

/** A tool-call id that also carries the part signature of its call (Gemini 3 through Chat). */
export function sealCallId(callId: string, signature: PartSignature): string {
  return seal({ c: callId, s: signature });
}

/** The call id and signature of a sealed tool-call id, or undefined for any other id. */
export function unsealCallId(value: string): { callId: string; signature: PartSignature } | undefined {
  if (!looksSealed(value)) return undefined;
  const payload = unseal(value) as { c?: unknown; s?: { family?: unknown; value?: unknown } } | undefined;
  if (typeof payload?.c !== 'string' || typeof payload.s?.value !== 'string' || typeof payload.s.family !== 'string' || !FAMILIES.has(payload.s.family)) {
    return undefined;
  }
  return { callId: payload.c, signature: { family: payload.s.family as ProviderFamily, value: payload.s.value } };
}
