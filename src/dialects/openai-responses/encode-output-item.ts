import type { ProviderFamily, ReasoningBlock, ToolCallBlock } from '../../core/ir/index.ts';
import { encodeReasoningEnvelope, type EnvelopeBlock, type EnvelopePartSignature } from './reasoning-envelope.ts';

/**
 * Output items for a Responses client, shared by `encodeResponse` and the stream encoder so
 * both write the same shapes.
 */
type Item = Record<string, unknown>;

/** Ids with the usual prefixes, unique within the response, derived from the gateway request id. */
export class ItemIds {
  private readonly base: string;
  private count = 0;

  constructor(requestId: string) {
    this.base = requestId.replace(/[^a-zA-Z0-9_-]/g, '').slice(0, 48) || 'switchyard';
  }

  /** Keeps an upstream id that already has the right prefix (an OpenAI upstream's `fc_…`). */
  next(prefix: 'msg' | 'rs' | 'fc' | 'ctc', upstreamId?: string): string {
    if (upstreamId !== undefined && upstreamId.startsWith(`${prefix}_`)) return upstreamId;
    return `${prefix}_${this.base}_${this.count++}`;
  }
}

export function responseId(upstreamId: string, requestId: string): string {
  return upstreamId.startsWith('resp_') ? upstreamId : `resp_${requestId.replace(/[^a-zA-Z0-9_-]/g, '') || 'switchyard'}`;
}

/** `logprobs` is always there (empty: no provider's are translated), as OpenAI sends it. */
export function outputTextPart(text: string, annotations?: unknown[]): Item {
  return { type: 'output_text', text, annotations: annotations ?? [], logprobs: [] };
}

export function refusalPart(text: string): Item {
  return { type: 'refusal', refusal: text };
}

export function messageItem(id: string, status: 'in_progress' | 'completed', content: Item[]): Item {
  return { id, type: 'message', status, role: 'assistant', content };
}

export function toolCallItem(
  block: Pick<ToolCallBlock, 'callId' | 'name' | 'namespace' | 'kind' | 'input'>,
  id: string,
  status: 'in_progress' | 'completed',
): Item {
  const item: Item = { id, type: block.kind === 'custom' ? 'custom_tool_call' : 'function_call', status, call_id: block.callId, name: block.name };
  // Codex answers "unsupported call" to a namespaced call that comes back without its namespace.
  if (block.namespace !== undefined) item.namespace = block.namespace;
  item[block.kind === 'custom' ? 'input' : 'arguments'] = block.input;
  return item;
}

/**
 * A reasoning item. OpenAI's own `encrypted_content` goes out raw; any other family's secrets
 * go into a gateway envelope so they come back on the next turn (§9.4), while the display
 * text stays in `summary` for the user.
 */
export function reasoningItem(block: ReasoningBlock, id: string, partSignatures: EnvelopePartSignature[] = []): Item {
  const item: Item = { id, type: 'reasoning', summary: block.summary.map(summaryPart) };
  if (block.family === 'openai') {
    if (block.text !== undefined) item.content = block.text.map((text) => ({ type: 'reasoning_text', text }));
    item.encrypted_content = block.encryptedContent ?? null;
    return item;
  }
  item.encrypted_content = reasoningEnvelope(block, partSignatures);
  return item;
}

export function reasoningEnvelope(block: ReasoningBlock, partSignatures: EnvelopePartSignature[] = []): string {
  const entry: EnvelopeBlock = {};
  if (block.summary.length > 0) entry.thinking = block.summary.join('');
  if (block.signature !== undefined) entry.signature = block.signature;
  if (block.redactedData !== undefined) entry.redactedData = block.redactedData;
  return encodeReasoningEnvelope({ v: 1, family: block.family, blocks: [entry], ...(partSignatures.length > 0 ? { partSignatures } : {}) });
}

/** A reasoning item that only carries signatures found on tool-call or text parts. */
export function signatureCarrierItem(id: string, family: ProviderFamily, partSignatures: EnvelopePartSignature[]): Item {
  return { id, type: 'reasoning', summary: [], encrypted_content: encodeReasoningEnvelope({ v: 1, family, partSignatures }) };
}

export function summaryPart(text: string): Item {
  return { type: 'summary_text', text };
}
