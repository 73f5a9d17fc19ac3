import type { ExchangeContext } from '../../core/dialect.ts';
import type { BlockStart, ContentBlock, FinishReason, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import type { SseEvent } from '../../core/sse-decoder.ts';
import { readContentPieces } from './decode-message-content.ts';
import { readArguments } from './decode-response.ts';
import { decodeToolCall, synthesizeCallId, toolCallStart } from './decode-tool-call.ts';
import { decodeStreamError } from './errors.ts';
import { decodeStopReason } from './map-stop-reason.ts';
import { decodeUsage } from './map-usage.ts';
import { isRecord } from './wire.ts';

/** Visible text, a refusal or reasoning text: one IR block per uninterrupted run. */
interface TextSegment {
  kind: 'text' | 'refusal' | 'reasoning';
  text: string;
  index: number;
  started: boolean;
  emitted: number;
}

/** One tool call, assembled from its fragments by the upstream's `index`. */
interface ToolSegment {
  kind: 'tool';
  /** The upstream's `index` for this call. */
  wireIndex: number;
  id?: string;
  name: string;
  type: 'function' | 'custom';
  payload: string;
  index: number;
  start?: Extract<BlockStart, { kind: 'tool-call' }>;
  emitted: number;
}

type Segment = TextSegment | ToolSegment;

/** The legacy `function_call` delta has no index; it is one call. */
const legacyCallIndex = -1;

/**
 * Chat Completions SSE into IR stream events, for every server that speaks it. The stream
 * interleaves what the IR serialises (at most one open block), so segments queue in order of
 * first appearance: the head streams live, later ones buffer until the head ends. A text run
 * ends when anything else follows it; a tool call ends when its arguments are complete JSON
 * and another segment is waiting, or at `finish_reason`. Tool calls are keyed by the
 * upstream `index`, which need not start at 0 or be dense (Anthropic's compat endpoint starts
 * at 1); Ollama sends each call whole (sometimes without an id), vLLM's first fragment has no
 * `arguments`. `response-end` waits for the end of the stream, because the usage chunk
 * (`choices: []`) follows the `finish_reason` chunk.
 */
export class ChatStreamDecoder implements StreamStateMachine<SseEvent, StreamEvent> {
  private started = false;
  private terminated = false;
  private nextIndex = 0;
  private readonly queue: Segment[] = [];
  private readonly tools = new Map<number, ToolSegment>();
  /** Upstream indexes of calls already ended, with their ids. */
  private readonly finishedTools = new Map<number, string | undefined>();
  private finishRaw: string | undefined;
  private usage: Usage | undefined;
  private hasToolCalls = false;
  private hasRefusal = false;
  private implicitCount = 0;
  private lastImplicitIndex: number | undefined;

  constructor(private readonly context: ExchangeContext) {}

  push(input: SseEvent): StreamEvent[] {
    if (this.terminated) return [];
    const data = input.data.trim();
    if (data === '[DONE]') return this.end();
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      if (input.event !== 'error') return []; // Not a chunk (a stray comment-like line).
      payload = data;
    }
    if (input.event === 'error' || (isRecord(payload) && payload.error !== undefined && payload.error !== null)) {
      this.terminated = true;
      return [{ type: 'error', error: decodeStreamError(payload) }];
    }
    if (!isRecord(payload)) return [];
    const out: StreamEvent[] = [];
    this.readUsage(payload);
    const choices = Array.isArray(payload.choices) ? payload.choices.filter(isRecord) : [];
    // Only the first choice is read (the gateway never asks for n > 1).
    const choice = choices.find((entry) => entry.index === 0 || entry.index === undefined);
    // Azure's prelude (`choices: []`, empty id) and the usage chunk carry no output.
    if (choice === undefined) return out;
    this.ensureStarted(payload, out);
    if (this.finishRaw !== undefined) return out;
    const delta = isRecord(choice.delta) ? choice.delta : isRecord(choice.message) ? choice.message : {};
    for (const piece of readContentPieces(delta)) this.appendText(piece.kind, piece.text, out);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') this.appendText('refusal', delta.refusal, out);
    if (Array.isArray(delta.tool_calls)) for (const fragment of delta.tool_calls) if (isRecord(fragment)) this.appendTool(fragment, out);
    if (isRecord(delta.function_call)) this.appendTool({ index: legacyCallIndex, type: 'function', function: delta.function_call }, out);
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
      this.finishRaw = choice.finish_reason;
      while (this.queue.length > 0) this.closeHead(out);
    }
    return out;
  }

  /** The byte stream ended: without `[DONE]` (Ollama records none) that is fine after a finish_reason. */
  finish(): StreamEvent[] {
    if (this.terminated) return [];
    return this.end();
  }

  private end(): StreamEvent[] {
    this.terminated = true;
    if (this.finishRaw === undefined) {
      return [{ type: 'error', error: { code: 'provider_error', message: 'The upstream stream ended without a finish_reason.' } }];
    }
    const out: StreamEvent[] = [];
    this.ensureStarted({}, out);
    const finishReason: FinishReason = decodeStopReason(this.finishRaw, { hasToolCalls: this.hasToolCalls, hasRefusal: this.hasRefusal });
    out.push(this.usage ? { type: 'response-end', finishReason, usage: this.usage } : { type: 'response-end', finishReason });
    return out;
  }

  /** Usage arrives on the `choices: []` chunk, on the finish chunk (some servers), or in Groq's `x_groq`. */
  private readUsage(payload: Record<string, unknown>): void {
    const usage = decodeUsage(payload.usage) ?? (isRecord(payload.x_groq) ? decodeUsage(payload.x_groq.usage) : undefined);
    if (usage) this.usage = usage;
  }

  private ensureStarted(payload: Record<string, unknown>, out: StreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    out.push({
      type: 'response-start',
      id: typeof payload.id === 'string' ? payload.id : '',
      model: typeof payload.model === 'string' && payload.model !== '' ? payload.model : this.context.target.model,
      createdAt: typeof payload.created === 'number' && payload.created > 0 ? payload.created : Math.floor(Date.now() / 1000),
    });
  }

  private appendText(kind: TextSegment['kind'], text: string, out: StreamEvent[]): void {
    const tail = this.queue[this.queue.length - 1];
    if (tail !== undefined && tail.kind === kind) {
      tail.text += text;
    } else {
      this.queue.push({ kind, text, index: -1, started: false, emitted: 0 });
    }
    this.pump(out);
  }

  private appendTool(fragment: Record<string, unknown>, out: StreamEvent[]): void {
    const fn = isRecord(fragment.function) ? fragment.function : undefined;
    const custom = isRecord(fragment.custom) ? fragment.custom : undefined;
    const wireIndex = typeof fragment.index === 'number' ? fragment.index : this.implicitIndex(fragment, custom ?? fn);
    const piece = custom !== undefined ? readArguments(custom.input) : fn !== undefined ? readArguments(fn.arguments) : '';
    const id = typeof fragment.id === 'string' && fragment.id !== '' ? fragment.id : undefined;
    if (this.finishedTools.has(wireIndex)) {
      if (id === undefined || id === this.finishedTools.get(wireIndex)) {
        // Only reachable when a server keeps writing to a call whose JSON was already complete.
        if (piece !== '') this.context.warnings.add('tool_call_fragment_dropped', `A late argument fragment for tool call index ${wireIndex} was dropped.`);
        return;
      }
      this.finishedTools.delete(wireIndex); // A new call reusing the index.
    }
    let segment = this.tools.get(wireIndex);
    if (segment?.id !== undefined && id !== undefined && id !== segment.id) {
      // A new id on a known index is a new call (seen from proxies that reuse index 0): the
      // earlier call keeps a key of its own.
      segment.wireIndex = legacyCallIndex - 1 - this.implicitCount++;
      segment = undefined;
    }
    if (segment === undefined) {
      segment = { kind: 'tool', wireIndex, name: '', type: 'function', payload: '', index: -1, emitted: 0 };
      this.tools.set(wireIndex, segment);
      this.queue.push(segment);
    }
    if (id !== undefined && segment.id === undefined) segment.id = id;
    if (fragment.type === 'custom' || custom !== undefined) segment.type = 'custom';
    const name = custom?.name ?? fn?.name;
    if (typeof name === 'string' && name !== '' && segment.name === '') segment.name = name;
    segment.payload += piece;
    this.pump(out);
  }

  /**
   * Gemini's compat endpoint omits `index`: a fragment naming a tool (or carrying an id)
   * starts a new call, any other continues the last one started that way.
   */
  private implicitIndex(fragment: Record<string, unknown>, call: Record<string, unknown> | undefined): number {
    const startsCall = (typeof call?.name === 'string' && call.name !== '') || (typeof fragment.id === 'string' && fragment.id !== '');
    if (startsCall || this.lastImplicitIndex === undefined) this.lastImplicitIndex = legacyCallIndex - 1 - this.implicitCount++;
    return this.lastImplicitIndex;
  }

  /** Streams the head; ends it whenever it is over and something is waiting behind it. */
  private pump(out: StreamEvent[]): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined) return;
      this.startSegment(head, out);
      this.emitPending(head, out);
      if (this.queue.length < 2 || !this.isOver(head)) return;
      this.closeHead(out);
    }
  }

  private isOver(segment: Segment): boolean {
    if (segment.kind !== 'tool') return true; // Something else came after this run of text.
    if (segment.start === undefined || segment.type === 'custom') return false;
    return isCompleteJson(segment.payload);
  }

  private startSegment(segment: Segment, out: StreamEvent[]): void {
    if (segment.kind !== 'tool') {
      if (segment.started) return;
      segment.started = true;
      segment.index = this.nextIndex++;
      const block: BlockStart = segment.kind === 'reasoning' ? { kind: 'reasoning', family: 'openai-compatible' } : { kind: segment.kind };
      out.push({ type: 'block-start', index: segment.index, block });
      return;
    }
    if (segment.start !== undefined || segment.name === '') return;
    segment.start = toolCallStart(segment, segment.id ?? synthesizeCallId(), this.context);
    segment.index = this.nextIndex++;
    out.push({ type: 'block-start', index: segment.index, block: segment.start });
  }

  private emitPending(segment: Segment, out: StreamEvent[]): void {
    if (segment.kind !== 'tool') {
      if (!segment.started || segment.emitted >= segment.text.length) return;
      const delta = segment.text.slice(segment.emitted);
      segment.emitted = segment.text.length;
      if (segment.kind === 'reasoning') out.push({ type: 'reasoning-delta', index: segment.index, delta, part: 0 });
      else out.push({ type: 'text-delta', index: segment.index, delta });
      return;
    }
    // A freeform call wrapped as a function is unwrapped from `{"input": …}` at its end.
    if (segment.start === undefined || isWrapped(segment) || segment.emitted >= segment.payload.length) return;
    const delta = segment.payload.slice(segment.emitted);
    segment.emitted = segment.payload.length;
    out.push({ type: 'tool-call-delta', index: segment.index, delta });
  }

  private closeHead(out: StreamEvent[]): void {
    const segment = this.queue[0];
    if (segment === undefined) return;
    this.startSegment(segment, out);
    this.emitPending(segment, out);
    this.queue.shift();
    if (segment.kind !== 'tool') {
      out.push({ type: 'block-end', index: segment.index, block: textBlock(segment) });
      if (segment.kind === 'refusal') this.hasRefusal = true;
      return;
    }
    if (this.tools.get(segment.wireIndex) === segment) this.tools.delete(segment.wireIndex);
    this.finishedTools.set(segment.wireIndex, segment.id);
    if (segment.start === undefined) {
      this.context.warnings.add('tool_call_dropped', 'The upstream streamed a tool call without a name; it was dropped.');
      return;
    }
    if (this.finishRaw === 'length' && segment.type === 'function' && !isCompleteJson(segment.payload)) {
      // A call cut by max_tokens must not reach the client as if complete (it would run).
      this.context.warnings.add(
        'tool_call_truncated',
        `The upstream hit its output limit in the middle of tool call ${segment.start.name}; the call was dropped.`,
      );
      return;
    }
    const block = decodeToolCall(segment, segment.start.callId, this.context);
    // The deltas must add up to the block: `{}` for an empty call, the unwrapped raw input.
    const streamed = isWrapped(segment) ? '' : segment.payload;
    if (streamed === '' && block.input !== '') out.push({ type: 'tool-call-delta', index: segment.index, delta: block.input });
    out.push({ type: 'block-end', index: segment.index, block });
    this.hasToolCalls = true;
  }
}

function isWrapped(segment: ToolSegment): boolean {
  return segment.start?.toolKind === 'custom' && segment.type === 'function';
}

function textBlock(segment: TextSegment): ContentBlock {
  if (segment.kind === 'reasoning') return { type: 'reasoning', family: 'openai-compatible', summary: [segment.text] };
  return { type: segment.kind, text: segment.text };
}

function isCompleteJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function createStreamDecoder(context: ExchangeContext): ChatStreamDecoder {
  return new ChatStreamDecoder(context);
}
