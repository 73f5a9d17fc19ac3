import type { ClientContext } from '../../core/dialect.ts';
import type { BlockStart, ContentBlock, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import { encodeSseEvent } from '../../core/sse-decoder.ts';
import { encodeToolUseId } from './encode-content-block.ts';
import { clientMessageId, encodeClientBlock } from './encode-response.ts';
import { clientToolName } from '../shared/tool-calls.ts';
import { anthropicErrorTypeOf } from './errors.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { modelStopError } from '../shared/model-stop.ts';
import { encodeUsage } from './map-usage.ts';

/**
 * What the IR block currently open became on the wire. `deferred` blocks are written whole
 * at their end (a redacted or signature-only thinking block, a freeform call whose input must
 * be wrapped, a server-tool block, another family's reasoning with its secret sealed into the
 * signature); `skipped` ones have no Anthropic form.
 */
interface OpenBlock {
  start: BlockStart;
  state: 'open' | 'deferred' | 'skipped';
  wireIndex: number;
  /** Whether any delta was written, so a block-end without deltas still sends its content. */
  streamed: boolean;
  /** Another family's reasoning: its deltas are not streamed, the block-end decides (a sealed secret or nothing). */
  held?: true;
}

/**
 * IR stream events → Anthropic Messages SSE for Anthropic clients:
 * message_start, one content block open at a time with indexes 0..n, a signature_delta
 * before a thinking block's stop, message_delta with the stop reason and usage, message_stop;
 * or `event: error` (with no message_stop after it).
 */
export class AnthropicStreamEncoder implements StreamStateMachine<StreamEvent, string> {
  private pendingStart: { id: string } | undefined;
  private messageStarted = false;
  private ended = false;
  private usage: Usage | undefined;
  private nextWireIndex = 0;
  private open: OpenBlock | undefined;

  constructor(private readonly context: ClientContext) {}

  push(event: StreamEvent): string[] {
    if (this.ended) return [];
    switch (event.type) {
      case 'response-start':
        this.pendingStart = { id: event.id };
        return [];
      case 'usage':
        this.usage = event.usage;
        return this.flushStart();
      case 'block-start':
        return [...this.flushStart(), ...this.closeWire(), ...this.startBlock(event.block)];
      case 'text-delta':
        return this.delta('text', { type: 'text_delta', text: event.delta });
      case 'reasoning-delta':
        return this.delta('reasoning', { type: 'thinking_delta', thinking: event.delta });
      case 'tool-call-delta':
        return this.delta('tool-call', { type: 'input_json_delta', partial_json: event.delta });
      case 'block-end':
        return this.endBlock(event.block);
      case 'response-end': {
        const stopError = modelStopError(event.finishReason);
        if (stopError) return this.push({ type: 'error', error: stopError });
        if (event.usage) this.usage = event.usage;
        const lines = [...this.flushStart(), ...this.closeWire()];
        lines.push(
          this.write('message_delta', {
            type: 'message_delta',
            delta: { stop_reason: encodeStopReason(event.finishReason), stop_sequence: null },
            usage: encodeUsage(this.usage),
          }),
        );
        lines.push(this.write('message_stop', { type: 'message_stop' }));
        this.ended = true;
        return lines;
      }
      case 'error':
        this.ended = true;
        return [this.write('error', { type: 'error', error: { type: anthropicErrorTypeOf(event.error.code), message: event.error.message } })];
    }
  }

  finish(): string[] {
    if (this.ended) return [];
    this.ended = true;
    return [this.write('error', { type: 'error', error: { type: 'api_error', message: 'The response ended unexpectedly.' } })];
  }

  private write(type: string, payload: unknown): string {
    return encodeSseEvent(JSON.stringify(payload), type);
  }

  private flushStart(): string[] {
    if (this.messageStarted) return [];
    this.messageStarted = true;
    const id = clientMessageId(this.pendingStart?.id ?? '', this.context);
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model: this.context.requestedModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: encodeUsage(this.usage),
    };
    return [this.write('message_start', { type: 'message_start', message })];
  }

  private startWire(contentBlock: unknown): string {
    const index = this.nextWireIndex++;
    if (this.open) {
      this.open.state = 'open';
      this.open.wireIndex = index;
    }
    return this.write('content_block_start', { type: 'content_block_start', index, content_block: contentBlock });
  }

  private stopWire(index: number): string {
    return this.write('content_block_stop', { type: 'content_block_stop', index });
  }

  /** Closes a wire block left open (a block-start without block-end): only complete kinds. */
  private closeWire(): string[] {
    const open = this.open;
    this.open = undefined;
    // An unfinished tool_use stays unclosed, as Anthropic leaves a call cut by max_tokens.
    if (open?.state !== 'open' || open.start.kind === 'tool-call') return [];
    return [this.stopWire(open.wireIndex)];
  }

  private startBlock(start: BlockStart): string[] {
    this.open = { start, state: 'deferred', wireIndex: -1, streamed: false };
    switch (start.kind) {
      case 'text':
      case 'refusal':
        return [this.startWire({ type: 'text', text: '' })];
      case 'reasoning':
        if (start.family !== 'anthropic') this.open.held = true;
        return [];
      case 'tool-call':
        if (start.toolKind === 'custom') return [];
        return [this.startWire({ type: 'tool_use', id: encodeToolUseId(start.callId), name: clientToolName(start, 128), input: {} })];
      case 'opaque':
        return [];
    }
  }

  private delta(kind: 'text' | 'reasoning' | 'tool-call', delta: Record<string, string>): string[] {
    const open = this.open;
    if (open === undefined || open.state === 'skipped' || open.held) return [];
    const startKind = open.start.kind === 'refusal' ? 'text' : open.start.kind;
    if (startKind !== kind) return [];
    const lines: string[] = [];
    // Thinking text is streamed live; the block opens on its first delta.
    if (open.state === 'deferred') {
      if (kind !== 'reasoning') return [];
      lines.push(this.startWire({ type: 'thinking', thinking: '', signature: '' }));
    }
    open.streamed = true;
    lines.push(this.write('content_block_delta', { type: 'content_block_delta', index: open.wireIndex, delta }));
    return lines;
  }

  private endBlock(block: ContentBlock): string[] {
    const open = this.open;
    if (open === undefined) return [];
    if (open.state === 'skipped') {
      this.open = undefined;
      return [];
    }
    const lines: string[] = [];
    if (open.state === 'deferred') {
      const whole = encodeClientBlock(block);
      if (whole === undefined) {
        this.open = undefined;
        return [];
      }
      const { start, rest } = splitForStreaming(whole as Record<string, unknown>);
      lines.push(this.startWire(start));
      for (const delta of rest) lines.push(this.write('content_block_delta', { type: 'content_block_delta', index: open.wireIndex, delta }));
    } else if (!open.streamed) {
      const delta = catchUpDelta(block);
      if (delta) lines.push(this.write('content_block_delta', { type: 'content_block_delta', index: open.wireIndex, delta }));
    }
    if (open.state === 'open' && block.type === 'reasoning' && open.streamed && block.signature !== undefined) {
      lines.push(
        this.write('content_block_delta', {
          type: 'content_block_delta',
          index: open.wireIndex,
          delta: { type: 'signature_delta', signature: block.signature },
        }),
      );
    }
    lines.push(this.stopWire(open.wireIndex));
    this.open = undefined;
    return lines;
  }
}

/** The content a block-end carries when no delta streamed it (e.g. a whole call at once). */
function catchUpDelta(block: ContentBlock): Record<string, string> | undefined {
  if ((block.type === 'text' || block.type === 'refusal') && block.text !== '') return { type: 'text_delta', text: block.text };
  if (block.type === 'tool-call' && block.input !== '') return { type: 'input_json_delta', partial_json: block.input };
  return undefined;
}

/** A whole block as Anthropic streams it: an empty start, then its content as deltas. */
function splitForStreaming(block: Record<string, unknown>): { start: unknown; rest: Array<Record<string, string>> } {
  if (block.type === 'thinking') {
    const rest: Array<Record<string, string>> = [];
    if (block.thinking !== '') rest.push({ type: 'thinking_delta', thinking: String(block.thinking) });
    rest.push({ type: 'signature_delta', signature: String(block.signature) });
    return { start: { type: 'thinking', thinking: '', signature: '' }, rest };
  }
  if (block.type === 'tool_use') {
    return { start: { ...block, input: {} }, rest: [{ type: 'input_json_delta', partial_json: JSON.stringify(block.input) }] };
  }
  return { start: block, rest: [] };
}

export function createStreamEncoder(context: ClientContext): StreamStateMachine<StreamEvent, string> {
  return new AnthropicStreamEncoder(context);
}
