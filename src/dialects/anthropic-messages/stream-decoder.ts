import type { ExchangeContext } from '../../core/dialect.ts';
import type { BlockStart, ContentBlock, StreamEvent, StreamStateMachine } from '../../core/ir/index.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import type { ToolIdentity } from '../../core/tool-names.ts';
import { decodeContentBlock } from './decode-content-block.ts';
import { decodeToolCall, isCompleteJson } from '../shared/tool-calls.ts';
import { decodeStreamError } from './errors.ts';
import { decodeStopReason } from './map-stop-reason.ts';
import { decodeUsage, mergeUsage } from './map-usage.ts';
import type { AnthropicUsage } from './wire.ts';

interface OpenBlock {
  /** The IR index (dense, in order of appearance). */
  index: number;
  upstreamIndex: number;
  kind: 'text' | 'reasoning' | 'tool-call' | 'opaque';
  /** The content_block_start payload. */
  start: Record<string, unknown>;
  text: string;
  signature?: string;
  json: string;
  identity?: ToolIdentity;
}

type Payload = Record<string, unknown>;

/**
 * Anthropic Messages SSE → IR stream events. Anthropic
 * already opens one block at a time; this maps its indexes to dense IR indexes, assembles
 * tool input, and keeps signatures for the reasoning block's end. A tool call whose JSON is
 * incomplete (cut by max_tokens) is never closed: it gets no block-end, and the response
 * ends with `length`, so no client runs half a call.
 */
export class AnthropicStreamDecoder implements StreamStateMachine<SseEvent, StreamEvent> {
  private started = false;
  private ended = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private readonly usage: AnthropicUsage = {};
  private stopReason: string | null = null;
  private truncatedCall = false;

  constructor(private readonly context: ExchangeContext) {}

  push(input: SseEvent): StreamEvent[] {
    if (this.ended) return [];
    let payload: Payload;
    try {
      payload = JSON.parse(input.data) as Payload;
    } catch {
      return this.fail('Anthropic sent an event that is not JSON.');
    }
    const type = typeof payload.type === 'string' ? payload.type : input.event;
    switch (type) {
      case 'message_start':
        return this.onMessageStart(payload);
      case 'content_block_start':
        return [...this.ensureStarted(), ...this.closeOpen(false), ...this.onBlockStart(payload)];
      case 'content_block_delta':
        return this.onBlockDelta(payload);
      case 'content_block_stop':
        return this.open !== undefined && payload.index === this.open.upstreamIndex ? this.closeOpen(true) : [];
      case 'message_delta':
        return this.onMessageDelta(payload);
      case 'message_stop':
        return this.onMessageStop();
      case 'error':
        this.ended = true;
        return [{ type: 'error', error: decodeStreamError(payload) }];
      default:
        // ping, and event types added after this was written.
        return [];
    }
  }

  finish(): StreamEvent[] {
    if (this.ended) return [];
    return this.fail('The Anthropic stream ended before message_stop.');
  }

  private fail(message: string): StreamEvent[] {
    this.ended = true;
    return [{ type: 'error', error: { code: 'provider_error', message } }];
  }

  private ensureStarted(message?: Payload): StreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [
      {
        type: 'response-start',
        id: typeof message?.id === 'string' ? message.id : '',
        model: typeof message?.model === 'string' ? message.model : this.context.target.model,
        createdAt: Math.floor(Date.now() / 1000),
      },
    ];
  }

  private onMessageStart(payload: Payload): StreamEvent[] {
    const message = (payload.message ?? {}) as Payload;
    const events = this.ensureStarted(message);
    mergeUsage(this.usage, message.usage);
    events.push({ type: 'usage', usage: decodeUsage(this.usage) });
    return events;
  }

  private onBlockStart(payload: Payload): StreamEvent[] {
    const start = (payload.content_block ?? {}) as Payload;
    const index = this.nextIndex++;
    const upstreamIndex = typeof payload.index === 'number' ? payload.index : -1;
    const block: OpenBlock = { index, upstreamIndex, kind: 'opaque', start, text: '', json: '' };
    let begin: BlockStart = { kind: 'opaque' };
    const events: StreamEvent[] = [];
    switch (start.type) {
      case 'text':
        block.kind = 'text';
        begin = { kind: 'text' };
        block.text = typeof start.text === 'string' ? start.text : '';
        break;
      case 'thinking':
      case 'redacted_thinking':
        block.kind = 'reasoning';
        begin = { kind: 'reasoning', family: 'anthropic' };
        block.text = typeof start.thinking === 'string' ? start.thinking : '';
        if (typeof start.signature === 'string' && start.signature !== '') block.signature = start.signature;
        break;
      case 'tool_use': {
        block.kind = 'tool-call';
        const identity = this.context.toolNames.identity(String(start.name ?? ''));
        block.identity = identity;
        begin = {
          kind: 'tool-call',
          callId: String(start.id ?? ''),
          name: identity.name,
          toolKind: identity.kind,
          ...(identity.namespace ? { namespace: identity.namespace } : {}),
        };
        break;
      }
      default:
        break;
    }
    this.open = block;
    events.push({ type: 'block-start', index, block: begin });
    if (block.text !== '') {
      events.push(block.kind === 'text' ? { type: 'text-delta', index, delta: block.text } : { type: 'reasoning-delta', index, delta: block.text, part: 0 });
    }
    return events;
  }

  private onBlockDelta(payload: Payload): StreamEvent[] {
    const block = this.open;
    if (block === undefined || payload.index !== block.upstreamIndex) return [];
    const delta = (payload.delta ?? {}) as Payload;
    const index = block.index;
    switch (delta.type) {
      case 'text_delta':
        if (typeof delta.text !== 'string' || delta.text === '') return [];
        block.text += delta.text;
        return [{ type: 'text-delta', index, delta: delta.text }];
      case 'thinking_delta':
        if (typeof delta.thinking !== 'string' || delta.thinking === '') return [];
        block.text += delta.thinking;
        return [{ type: 'reasoning-delta', index, delta: delta.thinking, part: 0 }];
      case 'signature_delta':
        if (typeof delta.signature === 'string') block.signature = (block.signature ?? '') + delta.signature;
        return [];
      case 'input_json_delta':
        if (typeof delta.partial_json !== 'string' || delta.partial_json === '') return [];
        block.json += delta.partial_json;
        // A freeform call's input is unwrapped from {"input": …} only once it is complete.
        if (block.kind !== 'tool-call' || block.identity?.kind === 'custom') return [];
        return [{ type: 'tool-call-delta', index, delta: delta.partial_json }];
      case 'citations_delta':
        this.context.warnings.add('citations_dropped', 'Anthropic citations on a text block have no portable form; dropped.');
        return [];
      default:
        return [];
    }
  }

  /**
   * Ends the open block. `stopped` = Anthropic sent content_block_stop; otherwise the message
   * ended around it, and only blocks that are complete anyway are closed.
   */
  private closeOpen(stopped: boolean): StreamEvent[] {
    const block = this.open;
    if (block === undefined) return [];
    this.open = undefined;
    const { index } = block;
    switch (block.kind) {
      case 'text':
        return [{ type: 'block-end', index, block: { type: 'text', text: block.text } }];
      case 'reasoning': {
        if (block.start.type === 'redacted_thinking') {
          const redacted: ContentBlock = {
            type: 'reasoning',
            family: 'anthropic',
            summary: [],
            ...(typeof block.start.data === 'string' ? { redactedData: block.start.data } : {}),
          };
          return [{ type: 'block-end', index, block: redacted }];
        }
        if (!stopped && block.signature === undefined) return [];
        const reasoning: ContentBlock = { type: 'reasoning', family: 'anthropic', summary: block.text === '' ? [] : [block.text] };
        if (block.signature !== undefined) reasoning.signature = block.signature;
        return [{ type: 'block-end', index, block: reasoning }];
      }
      case 'tool-call': {
        if (!stopped || !isCompleteJson(block.json)) {
          this.truncatedCall = true;
          this.context.warnings.add(
            'tool_call_truncated',
            `The call to ${block.identity?.name ?? 'a tool'} was cut off before its input was complete and was not returned.`,
          );
          return [];
        }
        const call = decodeToolCall(
          String(block.start.id ?? ''),
          String(block.start.name ?? ''),
          block.json,
          (name) => this.context.toolNames.identity(name),
          this.context.warnings,
        );
        const events: StreamEvent[] = [];
        if (call.kind === 'custom' && call.input !== '') events.push({ type: 'tool-call-delta', index, delta: call.input });
        events.push({ type: 'block-end', index, block: call });
        return events;
      }
      case 'opaque': {
        if (!stopped) return [];
        const value: Record<string, unknown> = { ...block.start };
        if (block.json !== '' && isCompleteJson(block.json)) value.input = JSON.parse(block.json);
        const decoded = decodeContentBlock(value, (name) => this.context.toolNames.identity(name), this.context.warnings);
        return decoded === undefined ? [] : [{ type: 'block-end', index, block: decoded }];
      }
    }
  }

  private onMessageDelta(payload: Payload): StreamEvent[] {
    const delta = (payload.delta ?? {}) as Payload;
    if (typeof delta.stop_reason === 'string') this.stopReason = delta.stop_reason;
    if (payload.usage === undefined) return [];
    mergeUsage(this.usage, payload.usage);
    return [{ type: 'usage', usage: decodeUsage(this.usage) }];
  }

  private onMessageStop(): StreamEvent[] {
    const events = [...this.ensureStarted(), ...this.closeOpen(false)];
    this.ended = true;
    let finishReason = decodeStopReason(this.stopReason);
    if (this.truncatedCall && finishReason.unified !== 'length') finishReason = { unified: 'length', ...(finishReason.raw ? { raw: finishReason.raw } : {}) };
    events.push({ type: 'response-end', finishReason, usage: decodeUsage(this.usage) });
    return events;
  }
}

export function createStreamDecoder(context: ExchangeContext): StreamStateMachine<SseEvent, StreamEvent> {
  return new AnthropicStreamDecoder(context);
}
