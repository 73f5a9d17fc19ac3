import type { ClientContext } from '../../core/dialect.ts';
import type { ContentBlock, ModelResponse, ProviderFamily, ReasoningBlock } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { isOpaqueContentPart } from './content-parts.ts';
import {
  ItemIds,
  messageItem,
  outputTextPart,
  reasoningEnvelope,
  reasoningItem,
  refusalPart,
  responseId,
  signatureCarrierItem,
  toolCallItem,
} from './encode-output-item.ts';
import { encodeRequestEcho } from './encode-request-echo.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import { encodeReasoningEnvelope, type EnvelopePartSignature } from './reasoning-envelope.ts';
import { isRecord } from './wire.ts';
import { modelStopError, refusalStopText } from '../shared/model-stop.ts';

type Item = Record<string, unknown>;

/** The reasoning item of a family that part signatures can still be added to. */
interface EnvelopeHolder {
  item: Item;
  block?: ReasoningBlock;
  signatures: EnvelopePartSignature[];
  /** A text item was written after it: a `text: true` entry would attach to the wrong text. */
  textSince: boolean;
}

/** A complete IR response as the Responses object a client gets (`model` = what it asked for). */
export function encodeResponse(response: ModelResponse, context: ClientContext): Record<string, unknown> {
  const { status, incompleteDetails } = encodeStopReason(response.finishReason);
  const ids = new ItemIds(context.requestId);
  const output = encodeOutputItems(response.content, ids, context.warnings);
  const refusal = refusalStopText(response.finishReason, response.content);
  if (refusal !== undefined) output.push(messageItem(ids.next('msg'), 'completed', [refusalPart(refusal)]));
  const stopError = modelStopError(response.finishReason);
  const encoded: Record<string, unknown> = {
    id: responseId(response.id, context.requestId),
    object: 'response',
    created_at: toSeconds(response.createdAt),
    status,
    error: status === 'failed' ? { code: 'server_error', message: stopError?.message ?? 'The model failed to generate a response.' } : null,
    incomplete_details: incompleteDetails,
    model: context.requestedModel,
    output,
    ...encodeRequestEcho(context.request),
  };
  if (response.usage) encoded.usage = encodeUsage(response.usage);
  return encoded;
}

export function encodeOutputItems(content: readonly ContentBlock[], ids: ItemIds, warnings: Warnings): Item[] {
  const items: Item[] = [];
  const holders = new Map<ProviderFamily, EnvelopeHolder>();

  for (const block of content) {
    switch (block.type) {
      case 'reasoning': {
        const item = reasoningItem(block, ids.next('rs', block.itemId));
        items.push(item);
        if (block.family !== 'openai') holders.set(block.family, { item, block, signatures: [], textSince: false });
        break;
      }
      case 'text':
        carrySignature(block, { text: true, value: block.signature?.value ?? '' });
        items.push(messageItem(ids.next('msg'), 'completed', [outputTextPart(block.text, block.annotations)]));
        for (const holder of holders.values()) holder.textSince = true;
        break;
      case 'refusal':
        items.push(messageItem(ids.next('msg'), 'completed', [refusalPart(block.text)]));
        break;
      case 'tool-call':
        carrySignature(block, { callId: block.callId, value: block.signature?.value ?? '' });
        items.push(toolCallItem(block, ids.next(block.kind === 'custom' ? 'ctc' : 'fc', block.itemId), 'completed'));
        break;
      case 'opaque':
        if (block.dialect === 'openai-responses' && isOpaqueContentPart(block.value)) {
          items.push(messageItem(ids.next('msg'), 'completed', [block.value.contentPart]));
        } else if (block.dialect === 'openai-responses' && isRecord(block.value)) {
          items.push(block.value);
        } else {
          warnings.add('item_dropped', `A ${block.dialect} output block has no OpenAI Responses equivalent and was dropped.`);
        }
        break;
      default:
        warnings.add('content_dropped', `A ${block.type} block cannot be part of a Responses output; dropped.`);
    }
  }
  return items;

  /**
   * A Gemini `thoughtSignature` on a call or text part rides in a reasoning item envelope:
   * the family's last reasoning item when one was written, else a carrier right before.
   */
  function carrySignature(block: ContentBlock & { signature?: { family: ProviderFamily; value: string } }, entry: EnvelopePartSignature): void {
    const signature = block.signature;
    if (!signature || signature.family === 'openai') return;
    const holder = holders.get(signature.family);
    if (holder && (entry.callId !== undefined || !holder.textSince)) {
      holder.signatures.push(entry);
      holder.item.encrypted_content = holder.block
        ? reasoningEnvelope(holder.block, holder.signatures)
        : encodeReasoningEnvelope({ v: 1, family: signature.family, partSignatures: holder.signatures });
      return;
    }
    const carrier = signatureCarrierItem(ids.next('rs'), signature.family, [entry]);
    items.push(carrier);
    holders.set(signature.family, { item: carrier, signatures: [entry], textSince: false });
  }
}

/** Responses `created_at` is in seconds; tolerate an IR value in milliseconds. */
export function toSeconds(createdAt: number): number {
  if (!Number.isFinite(createdAt) || createdAt <= 0) return Math.floor(Date.now() / 1000);
  return Math.floor(createdAt > 1e12 ? createdAt / 1000 : createdAt);
}
