import type { ExchangeContext } from '../../core/dialect.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import type { ContentBlock, ProviderFamily, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import { decodeToolCall, isCompleteJson } from '../shared/tool-calls.ts';
import { streamExceptionShape } from './errors.ts';
import { decodeStopReason } from './map-stop-reason.ts';
import { decodeUsage } from './map-usage.ts';
import { isClaudeModel } from './model-family.ts';
import { converseStreamExceptions, isRecord } from './wire.ts';

const eventNames = ['messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata', ...converseStreamExceptions];

interface OpenBlock {
  wireIndex: number;
  index: number;
  kind: 'text' | 'reasoning' | 'tool-call';
  text: string;
  signature?: string;
  redacted?: string;
  callId?: string;
  wireName?: string;
}

/** The reasoning family of a Converse model: Claude's signatures are Anthropic's; other models' reasoning carries none. */
export function converseReasoningFamily(context: ExchangeContext): ProviderFamily {
  return context.target.family === 'anthropic' || isClaudeModel(context.target.model) ? 'anthropic' : 'openai-compatible';
}

/**
 * ConverseStream events → IR stream events. The cloud transport reframes each event-stream
 * message as one SSE event whose data is the ConverseStream output union member
 * (`{"contentBlockDelta":{…}}`, `{"throttlingException":{"message":…}}`). Text and reasoning
 * blocks open with their first delta (Converse sends `contentBlockStart` for tool use only);
 * `messageStop` carries the stop reason and `metadata` (after it) the usage, which ends the
 * response; a stream that ends after `messageStop` without `metadata` ends without usage.
 */
export class ConverseStreamDecoder implements StreamStateMachine<SseEvent, StreamEvent> {
  private started = false;
  private ended = false;
  private open: OpenBlock | undefined;
  private next = 0;
  private stopReason: string | undefined;
  private stopped = false;
  private usage: Usage | undefined;
  private hasToolCalls = false;
  private readonly family: ProviderFamily;

  constructor(private readonly context: ExchangeContext) {
    this.family = converseReasoningFamily(context);
  }

  push(input: SseEvent): StreamEvent[] {
    if (this.ended) return [];
    let data: unknown;
    try {
      data = JSON.parse(input.data);
    } catch {
      return this.fail('Bedrock sent a ConverseStream event that is not JSON.');
    }
    if (!isRecord(data)) return this.fail('Bedrock sent a ConverseStream event that is not an object.');
    const name = eventNames.find((candidate) => candidate in data) ?? (input.event && eventNames.includes(input.event) ? input.event : undefined);
    if (name === undefined) return [];
    const payload = name in data ? data[name] : data;
    return this.pushEvent(name, isRecord(payload) ? payload : {});
  }

  /** One ConverseStream output member by name (also how a whole Converse answer is fed). */
  pushEvent(name: string, payload: Record<string, unknown>): StreamEvent[] {
    if (this.ended) return [];
    if ((converseStreamExceptions as readonly string[]).includes(name)) {
      this.ended = true;
      return [{ type: 'error', error: streamExceptionShape(name, payload) }];
    }
    const events = this.ensureStarted();
    switch (name) {
      case 'messageStart':
        break;
      case 'contentBlockStart': {
        const start = isRecord(payload.start) ? payload.start : {};
        const toolUse = isRecord(start.toolUse) ? start.toolUse : undefined;
        if (toolUse) {
          events.push(...this.close());
          events.push(...this.openBlock(this.wireIndexOf(payload), 'tool-call', String(toolUse.toolUseId ?? ''), String(toolUse.name ?? '')));
        }
        break;
      }
      case 'contentBlockDelta':
        events.push(...this.delta(this.wireIndexOf(payload), isRecord(payload.delta) ? payload.delta : {}));
        break;
      case 'contentBlockStop':
        if (this.open && this.open.wireIndex === this.wireIndexOf(payload)) events.push(...this.close());
        break;
      case 'messageStop':
        this.stopReason = typeof payload.stopReason === 'string' ? payload.stopReason : undefined;
        events.push(...this.close());
        this.stopped = true;
        break;
      case 'metadata': {
        const usage = decodeUsage(payload.usage);
        if (usage) {
          this.usage = usage;
          events.push({ type: 'usage', usage });
        }
        if (this.stopped) events.push(...this.end());
        break;
      }
    }
    return events;
  }

  finish(): StreamEvent[] {
    if (this.ended) return [];
    if (this.stopped) return this.end();
    return this.fail(this.started ? 'The Bedrock ConverseStream ended without messageStop.' : 'The Bedrock ConverseStream ended before any event.');
  }

  private wireIndexOf(payload: Record<string, unknown>): number {
    return typeof payload.contentBlockIndex === 'number' ? payload.contentBlockIndex : -1;
  }

  private ensureStarted(): StreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'response-start', id: '', model: this.context.target.model, createdAt: Math.floor(Date.now() / 1000) }];
  }

  private openBlock(wireIndex: number, kind: OpenBlock['kind'], callId?: string, wireName?: string): StreamEvent[] {
    const block: OpenBlock = { wireIndex, index: this.next++, kind, text: '' };
    this.open = block;
    if (kind === 'tool-call') {
      block.callId = callId ?? '';
      block.wireName = wireName ?? '';
      this.hasToolCalls = true;
      const identity = this.context.toolNames.identity(block.wireName);
      return [
        {
          type: 'block-start',
          index: block.index,
          block: {
            kind: 'tool-call',
            callId: block.callId,
            name: identity.name,
            toolKind: identity.kind,
            ...(identity.namespace ? { namespace: identity.namespace } : {}),
          },
        },
      ];
    }
    return [{ type: 'block-start', index: block.index, block: kind === 'reasoning' ? { kind: 'reasoning', family: this.family } : { kind: 'text' } }];
  }

  private delta(wireIndex: number, delta: Record<string, unknown>): StreamEvent[] {
    const events: StreamEvent[] = [];
    const ensure = (kind: 'text' | 'reasoning') => {
      if (this.open?.kind === kind && this.open.wireIndex === wireIndex) return this.open;
      events.push(...this.close(), ...this.openBlock(wireIndex, kind));
      return this.open!;
    };
    if (typeof delta.text === 'string') {
      const block = ensure('text');
      if (delta.text !== '') {
        block.text += delta.text;
        events.push({ type: 'text-delta', index: block.index, delta: delta.text });
      }
    } else if (isRecord(delta.toolUse)) {
      const block = this.open;
      if (block?.kind !== 'tool-call' || block.wireIndex !== wireIndex) return this.fail('Bedrock sent tool input for a block that is not an open tool use.');
      const piece = typeof delta.toolUse.input === 'string' ? delta.toolUse.input : '';
      if (piece !== '') {
        block.text += piece;
        if (this.context.toolNames.identity(block.wireName ?? '').kind !== 'custom') events.push({ type: 'tool-call-delta', index: block.index, delta: piece });
      }
    } else if (isRecord(delta.reasoningContent)) {
      const reasoning = delta.reasoningContent;
      const block = ensure('reasoning');
      if (typeof reasoning.text === 'string' && reasoning.text !== '') {
        block.text += reasoning.text;
        events.push({ type: 'reasoning-delta', index: block.index, delta: reasoning.text, part: 0 });
      }
      if (typeof reasoning.signature === 'string') block.signature = (block.signature ?? '') + reasoning.signature;
      if (typeof reasoning.redactedContent === 'string') block.redacted = (block.redacted ?? '') + reasoning.redactedContent;
    }
    return events;
  }

  private close(): StreamEvent[] {
    const block = this.open;
    if (!block) return [];
    this.open = undefined;
    let complete: ContentBlock;
    if (block.kind === 'text') complete = { type: 'text', text: block.text };
    else if (block.kind === 'reasoning') {
      complete = { type: 'reasoning', family: this.family, summary: block.text === '' ? [] : [block.text] };
      if (block.signature !== undefined) complete.signature = block.signature;
      if (block.redacted !== undefined) complete.redactedData = block.redacted;
    } else {
      if (!isCompleteJson(block.text)) {
        this.context.warnings.add('tool_call_dropped', `The call to ${block.wireName} was cut off before its input was complete and was not returned.`);
        return [];
      }
      complete = decodeToolCall(block.callId ?? '', block.wireName ?? '', block.text, (name) => this.context.toolNames.identity(name), this.context.warnings);
    }
    return [{ type: 'block-end', index: block.index, block: complete }];
  }

  private end(): StreamEvent[] {
    this.ended = true;
    const finishReason = decodeStopReason(this.stopReason, this.hasToolCalls);
    return [this.usage ? { type: 'response-end', finishReason, usage: this.usage } : { type: 'response-end', finishReason }];
  }

  private fail(message: string): StreamEvent[] {
    this.ended = true;
    const error: GatewayErrorShape = { code: 'provider_bad_response', message };
    return [{ type: 'error', error }];
  }
}

export function createStreamDecoder(context: ExchangeContext): StreamStateMachine<SseEvent, StreamEvent> {
  return new ConverseStreamDecoder(context);
}
