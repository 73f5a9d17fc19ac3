import type { ExchangeContext } from '../../core/dialect.ts';
import type { BlockStart, ContentBlock, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import { decodeOutputItem, decodeOutputPart, decodeReasoningOutput, decodeToolCallOutput } from './decode-output-item.ts';
import { readIncompleteReason } from './decode-response.ts';
import { decodeResponseFailure } from './errors.ts';
import { decodeStopReason } from './map-stop-reason.ts';
import { decodeUsage } from './map-usage.ts';
import { isRecord } from './wire.ts';

/** The one IR block open right now, with what its deltas said so far. */
interface OpenBlock {
  index: number;
  /** `item:<output_index>` for reasoning/tool-call items, `part:<output_index>:<content_index>` for message parts. */
  key: string;
  start: BlockStart;
  accumulated: string;
  summaryParts: string[];
}

/**
 * Upstream Responses SSE into IR stream events. Tolerates what recorded streams contain:
 * `keepalive` events, `obfuscation` padding, no `sequence_number`, no `event:` lines, trimmed
 * streams (a delta without its `added`, an item without its `content_part` events), the
 * nested or flat `error` event followed by `response.failed`, and `response.failed` alone.
 */
export class ResponsesStreamDecoder implements StreamStateMachine<SseEvent, StreamEvent> {
  private started = false;
  private terminated = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private hasToolCalls = false;
  private hasRefusal = false;
  /** Blocks already ended, so an item's `done` does not emit them a second time. */
  private readonly closedKeys = new Set<string>();

  constructor(private readonly context: ExchangeContext) {}

  push(input: SseEvent): StreamEvent[] {
    if (this.terminated) return [];
    let data: unknown;
    try {
      data = JSON.parse(input.data);
    } catch {
      return []; // Not an event we know (comments, a `[DONE]` from a compatible server…).
    }
    if (!isRecord(data)) return [];
    const type = typeof data.type === 'string' ? data.type : input.event;
    const out: StreamEvent[] = [];
    if (type === undefined || type === 'keepalive') return out;
    this.handle(type, data, out);
    return out;
  }

  finish(): StreamEvent[] {
    if (this.terminated) return [];
    this.terminated = true;
    return [{ type: 'error', error: { code: 'provider_error', message: 'The upstream stream ended before response.completed.' } }];
  }

  private handle(type: string, data: Record<string, unknown>, out: StreamEvent[]): void {
    const outputIndex = typeof data.output_index === 'number' ? data.output_index : -1;
    const contentIndex = typeof data.content_index === 'number' ? data.content_index : 0;
    const delta = typeof data.delta === 'string' ? data.delta : '';
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        this.ensureStarted(data.response, out);
        return;
      case 'response.output_item.added':
        if (isRecord(data.item)) this.itemAdded(data.item, outputIndex, out);
        return;
      case 'response.content_part.added':
        if (isRecord(data.part)) this.partAdded(data.part, outputIndex, contentIndex, out);
        return;
      case 'response.output_text.delta':
        this.partDelta({ kind: 'text' }, outputIndex, contentIndex, delta, out);
        return;
      case 'response.refusal.delta':
        this.partDelta({ kind: 'refusal' }, outputIndex, contentIndex, delta, out);
        return;
      case 'response.content_part.done':
        if (isRecord(data.part) && this.open?.key === partKey(outputIndex, contentIndex)) this.close(decodeOutputPart(data.part), out);
        return;
      case 'response.reasoning_summary_text.delta': {
        const open = this.open;
        if (open?.key !== itemKey(outputIndex) || open.start.kind !== 'reasoning') return;
        const part = typeof data.summary_index === 'number' ? data.summary_index : 0;
        open.summaryParts[part] = (open.summaryParts[part] ?? '') + delta;
        out.push({ type: 'reasoning-delta', index: open.index, delta, part });
        return;
      }
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        const open = this.open;
        if (open?.key !== itemKey(outputIndex) || open.start.kind !== 'tool-call' || delta.length === 0) return;
        open.accumulated += delta;
        out.push({ type: 'tool-call-delta', index: open.index, delta });
        return;
      }
      case 'response.output_item.done':
        if (isRecord(data.item)) this.itemDone(data.item, outputIndex, out);
        return;
      case 'response.completed':
      case 'response.incomplete':
        this.ended(data.response, out);
        return;
      case 'error':
      case 'response.failed': {
        this.ensureStarted(data.response, out);
        const failure = type === 'error' ? data : isRecord(data.response) ? data.response.error : undefined;
        out.push({ type: 'error', error: decodeResponseFailure(failure ?? { message: 'The upstream response failed.' }) });
        this.terminated = true;
        return;
      }
      default:
        // output_text.done, *.done without content, web_search_call.*, annotation.added…: the
        // item's `done` carries the same data.
        return;
    }
  }

  private ensureStarted(response: unknown, out: StreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    const record = isRecord(response) ? response : {};
    out.push({
      type: 'response-start',
      id: typeof record.id === 'string' ? record.id : '',
      model: typeof record.model === 'string' ? record.model : this.context.target.model,
      createdAt: typeof record.created_at === 'number' ? record.created_at : Math.floor(Date.now() / 1000),
    });
  }

  private itemAdded(item: Record<string, unknown>, outputIndex: number, out: StreamEvent[]): void {
    this.ensureStarted(undefined, out);
    if (item.type === 'reasoning') {
      const start: BlockStart = { kind: 'reasoning', family: 'openai' };
      if (typeof item.id === 'string') start.itemId = item.id;
      this.openBlock(itemKey(outputIndex), start, out);
    } else if (item.type === 'function_call' || item.type === 'custom_tool_call') {
      this.openBlock(itemKey(outputIndex), toolCallStart(decodeToolCallOutput(item, this.context.toolNames)), out);
    }
    // Message parts open with their content_part.added; other items are emitted whole on done.
  }

  private partAdded(part: Record<string, unknown>, outputIndex: number, contentIndex: number, out: StreamEvent[]): void {
    if (part.type === 'output_text') this.openBlock(partKey(outputIndex, contentIndex), { kind: 'text' }, out);
    else if (part.type === 'refusal') this.openBlock(partKey(outputIndex, contentIndex), { kind: 'refusal' }, out);
  }

  private partDelta(start: BlockStart, outputIndex: number, contentIndex: number, delta: string, out: StreamEvent[]): void {
    const key = partKey(outputIndex, contentIndex);
    if (this.closedKeys.has(key)) return;
    if (this.open?.key !== key) this.openBlock(key, start, out); // A trimmed stream without content_part.added.
    const open = this.open;
    if (!open || delta.length === 0) return;
    open.accumulated += delta;
    out.push({ type: 'text-delta', index: open.index, delta });
  }

  private itemDone(item: Record<string, unknown>, outputIndex: number, out: StreamEvent[]): void {
    this.ensureStarted(undefined, out);
    if (item.type === 'message') {
      const content = Array.isArray(item.content) ? item.content : [];
      content.forEach((part, contentIndex) => {
        if (!isRecord(part)) return;
        const key = partKey(outputIndex, contentIndex);
        if (this.open?.key === key) {
          this.close(decodeOutputPart(part), out);
        } else if (!this.closedKeys.has(key)) {
          // Parts the stream never announced (trimmed captures) still reach the client whole.
          const block = decodeOutputPart(part);
          if (block.type === 'opaque') return this.emitWhole(block, out);
          this.openBlock(key, { kind: block.type === 'refusal' ? 'refusal' : 'text' }, out);
          this.close(block, out);
        }
      });
      return;
    }
    if (item.type === 'reasoning' || item.type === 'function_call' || item.type === 'custom_tool_call') {
      const block = item.type === 'reasoning' ? decodeReasoningOutput(item) : decodeToolCallOutput(item, this.context.toolNames);
      if (this.open?.key !== itemKey(outputIndex)) {
        this.openBlock(itemKey(outputIndex), block.type === 'reasoning' ? reasoningStart(block.itemId) : toolCallStart(block), out);
      }
      this.close(block, out);
      return;
    }
    for (const block of decodeOutputItem(item, this.context.toolNames)) this.emitWhole(block, out);
  }

  private emitWhole(block: ContentBlock, out: StreamEvent[]): void {
    const index = this.nextIndex++;
    out.push({ type: 'block-start', index, block: { kind: 'opaque' } }, { type: 'block-end', index, block });
  }

  private openBlock(key: string, start: BlockStart, out: StreamEvent[]): void {
    this.ensureStarted(undefined, out);
    this.open = { index: this.nextIndex++, key, start, accumulated: '', summaryParts: [] };
    out.push({ type: 'block-start', index: this.open.index, block: start });
  }

  private close(block: ContentBlock, out: StreamEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.closedKeys.add(open.key);
    if (block.type === 'tool-call') this.hasToolCalls = true;
    if (block.type === 'refusal') this.hasRefusal = true;
    out.push({ type: 'block-end', index: open.index, block });
  }

  private ended(response: unknown, out: StreamEvent[]): void {
    this.ensureStarted(response, out);
    const record = isRecord(response) ? response : {};
    const open = this.open;
    if (open) {
      // Text and reasoning cut short still reach the client; a half-streamed tool call must
      // not, or it would be executed with broken arguments.
      if (open.start.kind === 'text') this.close({ type: 'text', text: open.accumulated }, out);
      else if (open.start.kind === 'refusal') this.close({ type: 'refusal', text: open.accumulated }, out);
      else if (open.start.kind === 'reasoning')
        this.close({ type: 'reasoning', family: 'openai', summary: Array.from(open.summaryParts, (part) => part ?? '') }, out);
      else this.context.warnings.add('tool_call_truncated', 'The upstream ended the response in the middle of a tool call; the call was dropped.');
      this.open = undefined;
    }
    const usage: Usage | undefined = decodeUsage(record.usage);
    const finishReason = decodeStopReason({
      status: typeof record.status === 'string' ? record.status : 'completed',
      incompleteReason: readIncompleteReason(record.incomplete_details),
      hasToolCalls: this.hasToolCalls,
      hasRefusal: this.hasRefusal,
    });
    out.push(usage ? { type: 'response-end', finishReason, usage } : { type: 'response-end', finishReason });
    this.terminated = true;
  }
}

function itemKey(outputIndex: number): string {
  return `item:${outputIndex}`;
}

function partKey(outputIndex: number, contentIndex: number): string {
  return `part:${outputIndex}:${contentIndex}`;
}

function reasoningStart(itemId: string | undefined): BlockStart {
  return itemId === undefined ? { kind: 'reasoning', family: 'openai' } : { kind: 'reasoning', family: 'openai', itemId };
}

function toolCallStart(block: { callId: string; name: string; namespace?: string; kind: 'function' | 'custom'; itemId?: string }): BlockStart {
  const start: BlockStart = { kind: 'tool-call', callId: block.callId, name: block.name, toolKind: block.kind };
  if (block.namespace !== undefined) start.namespace = block.namespace;
  if (block.itemId !== undefined) start.itemId = block.itemId;
  return start;
}

export function createStreamDecoder(context: ExchangeContext): ResponsesStreamDecoder {
  return new ResponsesStreamDecoder(context);
}
