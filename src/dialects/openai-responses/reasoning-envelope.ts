import type { ProviderFamily } from '../../core/ir/index.ts';
import { looksSealed, SEAL_PREFIX, seal, unseal } from '../shared/sealed-envelope.ts';

/**
 * Carrying foreign provider secrets (Anthropic signatures, Gemini thought signatures) through a Responses client.
 *
 * Codex stores `reasoning` items verbatim and sends them back, treating `encrypted_content` as
 * opaque. When the upstream is not OpenAI, the gateway puts its own sealed envelope there
 * (`dialects/shared/sealed-envelope.ts`: `sy1.` + base64url(JSON(payload)) + `.` + HMAC tag).
 * OpenAI blobs start with `gAAAA`, so the prefix never collides, and an envelope is never
 * forwarded to OpenAI (it could not decrypt it).
 */
export const ENVELOPE_PREFIX = SEAL_PREFIX;

export interface EnvelopeBlock {
  /** Anthropic thinking text / Gemini thought text. */
  thinking?: string;
  /** Anthropic thinking `signature` / a Gemini thought part's `thoughtSignature`. */
  signature?: string;
  /** Anthropic `redacted_thinking.data`. */
  redactedData?: string;
}

/** A signature that lived on a non-reasoning part (Gemini `thoughtSignature` on a call or text part). */
export interface EnvelopePartSignature {
  /** The tool call it belongs to, matched by `call_id` anywhere in the replayed history. */
  callId?: string;
  /** It belongs to a text part: the next text block after the carrier item… */
  text?: true;
  /** …or, when set, the closest text block before it (streams learn the signature only at the end). */
  preceding?: true;
  value: string;
}

export interface ReasoningEnvelope {
  v: 1;
  family: ProviderFamily;
  blocks?: EnvelopeBlock[];
  partSignatures?: EnvelopePartSignature[];
}

const FAMILIES: ReadonlySet<string> = new Set(['openai', 'anthropic', 'gemini', 'openai-compatible']);

export function isEnvelope(value: string): boolean {
  return looksSealed(value);
}

export function encodeReasoningEnvelope(payload: ReasoningEnvelope): string {
  return seal(payload);
}

/** The payload, or undefined when the string is not a well-formed envelope this gateway sealed (never throws). */
export function decodeReasoningEnvelope(value: string): ReasoningEnvelope | undefined {
  const parsed = unseal(value);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  if (record.v !== 1 || typeof record.family !== 'string' || !FAMILIES.has(record.family)) return undefined;
  const payload: ReasoningEnvelope = { v: 1, family: record.family as ProviderFamily };
  if (record.blocks !== undefined) {
    if (!Array.isArray(record.blocks)) return undefined;
    const blocks: EnvelopeBlock[] = [];
    for (const raw of record.blocks) {
      const block = readBlock(raw);
      if (!block) return undefined;
      blocks.push(block);
    }
    payload.blocks = blocks;
  }
  if (record.partSignatures !== undefined) {
    if (!Array.isArray(record.partSignatures)) return undefined;
    const signatures: EnvelopePartSignature[] = [];
    for (const raw of record.partSignatures) {
      const signature = readPartSignature(raw);
      if (!signature) return undefined;
      signatures.push(signature);
    }
    payload.partSignatures = signatures;
  }
  return payload;
}

function readBlock(raw: unknown): EnvelopeBlock | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  const block: EnvelopeBlock = {};
  for (const key of ['thinking', 'signature', 'redactedData'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return undefined;
    block[key] = value;
  }
  return block;
}

function readPartSignature(raw: unknown): EnvelopePartSignature | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  if (typeof record.value !== 'string') return undefined;
  const signature: EnvelopePartSignature = { value: record.value };
  if (typeof record.callId === 'string') signature.callId = record.callId;
  if (record.text === true) signature.text = true;
  if (record.preceding === true) signature.preceding = true;
  if (signature.callId === undefined && signature.text === undefined) return undefined;
  return signature;
}
