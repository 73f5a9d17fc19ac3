import type { ClientContext } from '../../core/dialect.ts';
import type { GatewayErrorShape } from '../../core/errors.ts';
import type { BlockStart, ContentBlock, FinishReason, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import { encodeSseEvent } from '../../core/sse-decoder.ts';
import { chatCompletionId, clientCallId, encodeClientToolCall, textBlockSeparator, toSeconds } from './encode-response.ts';
import { clientToolName } from '../shared/tool-calls.ts';
import { encodeStreamError } from './errors.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import { isRecord, type ChatCompletionChunk } from './wire.ts';
import { modelStopError, refusalStopText } from '../shared/model-stop.ts';

type Delta = ChatCompletionChunk['choices'][number]['delta'] & Record<string, unknown>;

/** The IR block open right now and what became of it on the wire. */
interface OpenBlock {
  start: BlockStart;
  /** The `tool_calls[].index` of a call (0, 1, … per response). */
  toolIndex: number;
  /** Whether any delta was written, so a block-end without deltas still sends its content. */
  streamed: boolean;
  /** A call written whole at its end: a native freeform call or one wrapped as `{"input"}`. */
  deferred: boolean;
}

/**
 * IR stream events into Chat Completions chunks: a first chunk
 * with `role: "assistant", content: ""`, content / refusal / `reasoning_content` deltas, each
 * call as `{index, id, type, function:{name, arguments:""}}` then argument fragments, a final
 * chunk with an empty delta and `finish_reason`, the usage chunk (`choices: []`) when the
 * client asked `stream_options.include_usage` and usage is known, then `data: [DONE]`. A failure is
 * `data: {"error":{…}}` with no `[DONE]` after it (the SDK throws on it).
 */
export class ChatStreamEncoder implements StreamStateMachine<StreamEvent, string> {
  private started = false;
  private ended = false;
  private id: string;
  private created = 0;
  private usage: Usage | undefined;
  private open: OpenBlock | undefined;
  private nextToolIndex = 0;
  /** Text already written, so the next text block starts with a paragraph break. */
  private wroteText = false;
  private readonly includeUsage: boolean;
  /** The IR refusal blocks seen, so a refusal stop without one still sends `refusal`. */
  private readonly refusals: ContentBlock[] = [];

  constructor(private readonly context: ClientContext) {
    this.id = chatCompletionId('', context.requestId);
    const options = context.request.extensions['openai-chat']?.stream_options;
    this.includeUsage = isRecord(options) && options.include_usage === true;
  }

  push(event: StreamEvent): string[] {
    if (this.ended) return [];
    if (event.type === 'error') return this.fail(event.error);
    const out: string[] = [];
    if (event.type === 'response-start') {
      this.start(out, event.id, event.createdAt);
      return out;
    }
    this.start(out, '', 0);
    switch (event.type) {
      case 'block-start':
        this.blockStart(event.block, out);
        break;
      case 'text-delta':
        this.textDelta(event.delta, out);
        break;
      case 'reasoning-delta':
        if (this.open?.start.kind === 'reasoning' && event.delta !== '') {
          this.open.streamed = true;
          this.chunk(out, { reasoning_content: event.delta });
        }
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
    }
    return out;
  }

  /** An IR stream that stops without a terminal event was cut upstream: say so, never close silently. */
  finish(): string[] {
    if (this.ended) return [];
    return this.fail({ code: 'provider_error', message: 'The upstream stream ended before the response was complete.' });
  }

  private start(out: string[], upstreamId: string, createdAt: number): void {
    if (this.started) return;
    this.started = true;
    this.id = chatCompletionId(upstreamId, this.context.requestId);
    this.created = toSeconds(createdAt);
    this.chunk(out, { role: 'assistant', content: '' });
  }

  private blockStart(start: BlockStart, out: string[]): void {
    // A block left open by a broken decoder is abandoned.
    this.open = { start, toolIndex: -1, streamed: false, deferred: false };
    if (start.kind !== 'tool-call') return;
    this.open.toolIndex = this.nextToolIndex++;
    if (start.toolKind === 'custom') {
      this.open.deferred = true;
      return;
    }
    this.chunk(out, {
      tool_calls: [
        {
          index: this.open.toolIndex,
          id: clientCallId(start.callId, start.signature),
          type: 'function',
          function: { name: clientToolName(start), arguments: '' },
        },
      ],
    });
  }

  private textDelta(delta: string, out: string[]): void {
    const open = this.open;
    if (open === undefined || delta === '') return;
    if (open.start.kind === 'refusal') {
      open.streamed = true;
      this.chunk(out, { refusal: delta });
    } else if (open.start.kind === 'text') {
      this.chunk(out, { content: this.separated(open, delta) });
    }
  }

  private toolCallDelta(delta: string, out: string[]): void {
    const open = this.open;
    if (open?.start.kind !== 'tool-call' || open.deferred || delta === '') return;
    open.streamed = true;
    this.chunk(out, { tool_calls: [{ index: open.toolIndex, function: { arguments: delta } }] });
  }

  private blockEnd(block: ContentBlock, out: string[]): void {
    const open = this.open;
    this.open = undefined;
    if (open === undefined) return;
    if (block.type === 'refusal') this.refusals.push(block);
    if (block.type === 'tool-call' && open.start.kind === 'tool-call') {
      if (open.deferred) {
        // Whole in one fragment: accumulators that assign (not append) unknown fields stay right.
        this.chunk(out, { tool_calls: [{ index: open.toolIndex, ...encodeClientToolCall(block, this.context) }] });
      } else if (!open.streamed && block.input !== '') {
        this.chunk(out, { tool_calls: [{ index: open.toolIndex, function: { arguments: block.input } }] });
      }
      return;
    }
    if (open.streamed) return;
    // Nothing streamed: the block-end carries the whole content (a whole-block upstream, a cache replay).
    if (block.type === 'text' && open.start.kind === 'text' && block.text !== '') this.chunk(out, { content: this.separated(open, block.text) });
    else if (block.type === 'refusal' && block.text !== '') this.chunk(out, { refusal: block.text });
    else if (block.type === 'reasoning') {
      const text = block.summary.length > 0 ? block.summary.join('') : (block.text ?? []).join('');
      if (text !== '') this.chunk(out, { reasoning_content: text });
    } else if (block.type === 'opaque') {
      this.context.warnings.add('content_dropped', `A ${block.dialect} opaque output block has no Chat Completions form; dropped.`);
    }
  }

  /** The first content of a text block after earlier text gets the paragraph break `encodeResponse` joins with. */
  private separated(open: OpenBlock, text: string): string {
    const prefix = !open.streamed && this.wroteText ? textBlockSeparator : '';
    open.streamed = true;
    this.wroteText = true;
    return prefix + text;
  }

  private end(finishReason: FinishReason, usage: Usage | undefined, out: string[]): void {
    const stopError = modelStopError(finishReason);
    if (stopError) {
      out.push(...this.fail(stopError));
      return;
    }
    const refusal = refusalStopText(finishReason, this.refusals);
    if (refusal !== undefined) this.chunk(out, { refusal });
    this.ended = true;
    out.push(this.frame({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: encodeStopReason(finishReason) }] }));
    // An upstream that reported no usage gets no invented zeros (the unary answer omits it too).
    if (this.includeUsage && usage) out.push(this.frame({ choices: [], usage: encodeUsage(usage) }));
    out.push(encodeSseEvent('[DONE]'));
  }

  private fail(error: GatewayErrorShape): string[] {
    this.ended = true;
    return [encodeSseEvent(JSON.stringify(encodeStreamError(error)))];
  }

  private chunk(out: string[], delta: Delta): void {
    out.push(this.frame({ choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] }));
  }

  private frame(fields: { choices: unknown[]; usage?: unknown }): string {
    const chunk: Record<string, unknown> = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.context.requestedModel,
      choices: fields.choices,
    };
    // With include_usage, OpenAI puts `usage: null` on every chunk but the last.
    if (this.includeUsage) chunk.usage = fields.usage ?? null;
    return encodeSseEvent(JSON.stringify(chunk));
  }
}

export function createStreamEncoder(context: ClientContext): ChatStreamEncoder {
  return new ChatStreamEncoder(context);
}
