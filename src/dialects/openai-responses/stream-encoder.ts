import type { ClientContext } from '../../core/dialect.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import type { BlockStart, ContentBlock, FinishReason, ProviderFamily, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import { encodeSseEvent } from '../../core/sse-decoder.ts';
import { isOpaqueContentPart } from './content-parts.ts';
import { toSeconds } from './encode-response.ts';
import {
  ItemIds,
  messageItem,
  outputTextPart,
  reasoningItem,
  refusalPart,
  responseId,
  signatureCarrierItem,
  summaryPart,
  toolCallItem,
} from './encode-output-item.ts';
import { encodeError, encodeFailedEventCode, encodeStreamErrorObject } from './errors.ts';
import { encodeRequestEcho } from './encode-request-echo.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import type { EnvelopePartSignature } from './reasoning-envelope.ts';
import { isRecord } from './wire.ts';
import { modelStopError, refusalStopText } from '../shared/model-stop.ts';

type Item = Record<string, unknown>;

/** The output item being streamed, opened by a block-start. */
interface OpenItem {
  block: BlockStart;
  outputIndex: number;
  id: string;
  /** Reasoning: the summary part currently open (-1: none yet) and the text streamed per part. */
  summaryIndex: number;
  summaryTexts: string[];
}

/**
 * IR stream events into the exact Responses SSE sequences Codex and the OpenAI SDK accept
 * (checked against recorded OpenAI streams): `response.created` and `response.in_progress` first, an item's
 * `output_item.added` before any delta of it, `content_part.added` before text deltas,
 * `sequence_number` from 0 by one per event, exactly one `output_item.done` per complete item
 * (never for a half-finished one), and nothing after the terminal event.
 */
export class ResponsesStreamEncoder implements StreamStateMachine<StreamEvent, string> {
  private sequence = 0;
  private started = false;
  private terminated = false;
  private id = '';
  private createdAt = 0;
  private nextOutputIndex = 0;
  private open: OpenItem | undefined;
  private usage: Usage | undefined;
  private readonly doneItems: Item[] = [];
  /** The IR refusal blocks seen, so a refusal stop without one still ends with a refusal part. */
  private readonly refusals: ContentBlock[] = [];
  private readonly ids: ItemIds;
  private echo: Record<string, unknown> | undefined;

  constructor(private readonly context: ClientContext) {
    this.ids = new ItemIds(context.requestId);
  }

  push(event: StreamEvent): string[] {
    if (this.terminated) return [];
    const out: string[] = [];
    if (event.type === 'response-start') {
      this.start(out, event.id, event.createdAt);
      return out;
    }
    this.start(out);
    switch (event.type) {
      case 'block-start':
        this.blockStart(event.block, out);
        break;
      case 'text-delta':
        this.textDelta(event.delta, out);
        break;
      case 'reasoning-delta':
        this.reasoningDelta(event.part, event.delta, out);
        break;
      case 'tool-call-delta':
        this.toolCallDelta(event.delta, out);
        break;
      case 'block-end':
        this.blockEnd(event.block, out);
        break;
      case 'usage':
        this.usage = event.usage;
        break;
      case 'response-end':
        this.end(event.finishReason, event.usage ?? this.usage, out);
        break;
      case 'error':
        this.fail(event.error, out);
        break;
    }
    return out;
  }

  /**
   * A `keepalive` event for long silent upstream phases (§13.1: Codex's idle timeout counts
   * events, not comment lines). Ignored by Codex, accepted by the OpenAI SDK; nothing before
   * the stream started or after it ended.
   */
  keepalive(): string[] {
    if (!this.started || this.terminated) return [];
    const out: string[] = [];
    this.emit(out, 'keepalive', {});
    return out;
  }

  /** An IR stream that stops without a terminal event was cut upstream: say so, never close silently. */
  finish(): string[] {
    if (this.terminated) return [];
    const out: string[] = [];
    this.start(out);
    this.fail({ code: 'provider_error', message: 'The upstream stream ended before the response was complete.' }, out);
    return out;
  }

  private emit(out: string[], type: string, fields: Record<string, unknown>): void {
    out.push(encodeSseEvent(JSON.stringify({ type, sequence_number: this.sequence++, ...fields }), type));
  }

  /** `usage` is absent until known: the schema has no null for it, and Codex rejects a partial one. */
  private responseObject(status: string, extra: Record<string, unknown> = {}): Item {
    this.echo ??= encodeRequestEcho(this.context.request);
    const response: Item = {
      id: this.id,
      object: 'response',
      created_at: this.createdAt,
      status,
      error: null,
      incomplete_details: null,
      model: this.context.requestedModel,
      output: [],
      ...this.echo,
    };
    return { ...response, ...extra };
  }

  private start(out: string[], upstreamId = '', createdAt = 0): void {
    if (this.started) return;
    this.started = true;
    this.id = responseId(upstreamId, this.context.requestId);
    this.createdAt = toSeconds(createdAt);
    this.emit(out, 'response.created', { response: this.responseObject('in_progress') });
    this.emit(out, 'response.in_progress', { response: this.responseObject('in_progress') });
  }

  private blockStart(block: BlockStart, out: string[]): void {
    // A block left open by a broken decoder is abandoned: it never gets a `done`.
    this.open = undefined;
    if (block.kind === 'opaque') return; // Emitted whole at block-end, when its value is known.
    const outputIndex = this.nextOutputIndex++;
    let item: Item;
    if (block.kind === 'text' || block.kind === 'refusal') {
      item = messageItem(this.ids.next('msg'), 'in_progress', []);
    } else if (block.kind === 'reasoning') {
      item = { id: this.ids.next('rs', block.family === 'openai' ? block.itemId : undefined), type: 'reasoning', summary: [], encrypted_content: null };
    } else {
      const id = this.ids.next(block.toolKind === 'custom' ? 'ctc' : 'fc', block.itemId);
      item = toolCallItem({ callId: block.callId, name: block.name, namespace: block.namespace, kind: block.toolKind, input: '' }, id, 'in_progress');
    }
    const id = item.id as string;
    this.open = { block, outputIndex, id, summaryIndex: -1, summaryTexts: [] };
    this.emit(out, 'response.output_item.added', { output_index: outputIndex, item });
    if (block.kind === 'text' || block.kind === 'refusal') {
      const part = block.kind === 'text' ? outputTextPart('') : refusalPart('');
      this.emit(out, 'response.content_part.added', { item_id: id, output_index: outputIndex, content_index: 0, part });
    }
  }

  private textDelta(delta: string, out: string[]): void {
    const open = this.open;
    if (!open || delta.length === 0) return;
    if (open.block.kind === 'text') {
      // The most frequent event of a translated stream, written as text: the bytes emit() gives
      // (same members, same order) without building and spreading two objects per delta.
      const data = `{"type":"response.output_text.delta","sequence_number":${this.sequence++},"item_id":${JSON.stringify(open.id)},"output_index":${open.outputIndex},"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[]}`;
      out.push(encodeSseEvent(data, 'response.output_text.delta'));
    } else if (open.block.kind === 'refusal') {
      this.emit(out, 'response.refusal.delta', { item_id: open.id, output_index: open.outputIndex, content_index: 0, delta });
    }
  }

  private reasoningDelta(part: number, delta: string, out: string[]): void {
    const open = this.open;
    if (!open || open.block.kind !== 'reasoning' || delta.length === 0 || part < open.summaryIndex) return;
    while (open.summaryIndex < part) this.nextSummaryPart(open, open.summaryTexts, out);
    open.summaryTexts[part] = (open.summaryTexts[part] ?? '') + delta;
    this.emit(out, 'response.reasoning_summary_text.delta', { item_id: open.id, output_index: open.outputIndex, summary_index: part, delta });
  }

  /** Closes the open summary part with `texts[its index]` and opens the next (the SDK pushes one per `added`). */
  private nextSummaryPart(open: OpenItem, texts: readonly string[], out: string[]): void {
    if (open.summaryIndex >= 0) this.closeSummaryPart(open, texts[open.summaryIndex] ?? '', out);
    open.summaryIndex++;
    this.emit(out, 'response.reasoning_summary_part.added', {
      item_id: open.id,
      output_index: open.outputIndex,
      summary_index: open.summaryIndex,
      part: summaryPart(''),
    });
  }

  private closeSummaryPart(open: OpenItem, text: string, out: string[]): void {
    const position = { item_id: open.id, output_index: open.outputIndex, summary_index: open.summaryIndex };
    this.emit(out, 'response.reasoning_summary_text.done', { ...position, text });
    this.emit(out, 'response.reasoning_summary_part.done', { ...position, part: summaryPart(text) });
  }

  private toolCallDelta(delta: string, out: string[]): void {
    const open = this.open;
    if (!open || open.block.kind !== 'tool-call' || delta.length === 0) return;
    const type = open.block.toolKind === 'custom' ? 'response.custom_tool_call_input.delta' : 'response.function_call_arguments.delta';
    this.emit(out, type, { item_id: open.id, output_index: open.outputIndex, delta });
  }

  private blockEnd(block: ContentBlock, out: string[]): void {
    const open = this.open;
    this.open = undefined;
    if (block.type === 'opaque') {
      this.emitWholeItem(block, out);
      return;
    }
    if (!open) return;
    const position = { item_id: open.id, output_index: open.outputIndex };
    if (block.type === 'text' || block.type === 'refusal') {
      if (block.type === 'refusal') this.refusals.push(block);
      const part = block.type === 'text' ? outputTextPart(block.text, block.annotations) : refusalPart(block.text);
      if (block.type === 'text') this.emit(out, 'response.output_text.done', { ...position, content_index: 0, text: block.text, logprobs: [] });
      else this.emit(out, 'response.refusal.done', { ...position, content_index: 0, refusal: block.text });
      this.emit(out, 'response.content_part.done', { ...position, content_index: 0, part });
      this.itemDone(open.outputIndex, messageItem(open.id, 'completed', [part]), out);
      if (block.type === 'text') this.carrySignature(block.signature, { text: true, preceding: true, value: block.signature?.value ?? '' }, out);
    } else if (block.type === 'reasoning') {
      // The block's summary is authoritative; parts that got no deltas are streamed whole, so
      // the live view and the final item agree.
      const summary = block.summary;
      while (open.summaryIndex < summary.length - 1) {
        this.nextSummaryPart(open, summary, out);
        const text = summary[open.summaryIndex] ?? '';
        if (text.length > 0) this.emit(out, 'response.reasoning_summary_text.delta', { ...position, summary_index: open.summaryIndex, delta: text });
      }
      if (open.summaryIndex >= 0) this.closeSummaryPart(open, summary[open.summaryIndex] ?? open.summaryTexts[open.summaryIndex] ?? '', out);
      this.itemDone(open.outputIndex, reasoningItem(block, open.id), out);
    } else if (block.type === 'tool-call') {
      if (block.kind === 'custom') this.emit(out, 'response.custom_tool_call_input.done', { ...position, input: block.input });
      else this.emit(out, 'response.function_call_arguments.done', { ...position, name: block.name, arguments: block.input });
      this.itemDone(open.outputIndex, toolCallItem(block, open.id, 'completed'), out);
      this.carrySignature(block.signature, { callId: block.callId, value: block.signature?.value ?? '' }, out);
    } else {
      this.context.warnings.add('content_dropped', `A ${block.type} block cannot be part of a Responses output; dropped.`);
    }
  }

  private itemDone(outputIndex: number, item: Item, out: string[]): void {
    this.doneItems.push(item);
    this.emit(out, 'response.output_item.done', { output_index: outputIndex, item });
  }

  /** Opaque items (a web_search_call…) and unknown content parts, added and done at once. */
  private emitWholeItem(block: Extract<ContentBlock, { type: 'opaque' }>, out: string[]): void {
    if (block.dialect !== 'openai-responses' || !isRecord(block.value)) {
      this.context.warnings.add('item_dropped', `A ${block.dialect} output block has no OpenAI Responses equivalent and was dropped.`);
      return;
    }
    const outputIndex = this.nextOutputIndex++;
    if (isOpaqueContentPart(block.value)) {
      const id = this.ids.next('msg');
      this.emit(out, 'response.output_item.added', { output_index: outputIndex, item: messageItem(id, 'in_progress', []) });
      this.itemDone(outputIndex, messageItem(id, 'completed', [block.value.contentPart]), out);
      return;
    }
    this.emit(out, 'response.output_item.added', { output_index: outputIndex, item: block.value });
    this.itemDone(outputIndex, block.value, out);
  }

  /**
   * A Gemini part signature learned at block-end rides in a reasoning item written right after
   * the signed item (its `done` already went out, so it cannot go before; §9.4).
   */
  private carrySignature(signature: { family: ProviderFamily; value: string } | undefined, entry: EnvelopePartSignature, out: string[]): void {
    if (!signature || signature.family === 'openai') return;
    const outputIndex = this.nextOutputIndex++;
    const item = signatureCarrierItem(this.ids.next('rs'), signature.family, [entry]);
    this.emit(out, 'response.output_item.added', { output_index: outputIndex, item: { ...item, encrypted_content: null } });
    this.itemDone(outputIndex, item, out);
  }

  private end(finishReason: FinishReason, usage: Usage | undefined, out: string[]): void {
    this.open = undefined;
    const { status, incompleteDetails } = encodeStopReason(finishReason);
    const stopError = modelStopError(finishReason);
    if (status === 'failed' || stopError) {
      this.fail(stopError ?? { code: 'provider_error', message: 'The model stopped with an error.' }, out);
      return;
    }
    const refusal = refusalStopText(finishReason, this.refusals);
    if (refusal !== undefined) this.wholeRefusal(refusal, out);
    const fields: Item = { output: this.doneItems, incomplete_details: incompleteDetails };
    if (usage) fields.usage = encodeUsage(usage); // Codex rejects a partial usage object; absent is fine (§11).
    const response = this.responseObject(status, fields);
    this.emit(out, status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
    this.terminated = true;
  }

  /** A refusal the provider only said in its stop reason, as a complete message item. */
  private wholeRefusal(text: string, out: string[]): void {
    const outputIndex = this.nextOutputIndex++;
    const id = this.ids.next('msg');
    const position = { item_id: id, output_index: outputIndex, content_index: 0 };
    this.emit(out, 'response.output_item.added', { output_index: outputIndex, item: messageItem(id, 'in_progress', []) });
    this.emit(out, 'response.content_part.added', { ...position, part: refusalPart('') });
    this.emit(out, 'response.refusal.delta', { ...position, delta: text });
    this.emit(out, 'response.refusal.done', { ...position, refusal: text });
    this.emit(out, 'response.content_part.done', { ...position, part: refusalPart(text) });
    this.itemDone(outputIndex, messageItem(id, 'completed', [refusalPart(text)]), out);
  }

  /**
   * §13.2 (e): the `error` event, then `response.failed` with a code Codex classifies. The event
   * carries `code`, `message` and `param` at its top level, as OpenAI's schema says, and the
   * same object nested under `error`, as OpenAI's API really sends it (and Codex reads).
   */
  private fail(error: GatewayErrorShape, out: string[]): void {
    this.open = undefined;
    const wire = encodeStreamErrorObject(error);
    this.emit(out, 'error', { code: wire.code, message: wire.message, param: wire.param, error: wire });
    const message = (encodeError(error).body as { error: { message: string } }).error.message;
    const fields: Item = { output: this.doneItems, error: { code: encodeFailedEventCode(error), message } };
    if (this.usage) fields.usage = encodeUsage(this.usage);
    this.emit(out, 'response.failed', { response: this.responseObject('failed', fields) });
    this.terminated = true;
  }
}

export function createStreamEncoder(context: ClientContext): ResponsesStreamEncoder {
  return new ResponsesStreamEncoder(context);
}
