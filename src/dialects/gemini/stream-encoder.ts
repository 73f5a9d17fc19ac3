import type { ClientContext } from '../../core/dialect.ts';
import type { BlockStart, ContentBlock, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import { encodeClientPart, ReasoningCarrier, wantsThoughts } from './encode-response.ts';
import { encodeErrorBody } from './errors.ts';
import { encodeFinishReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './wire.ts';

/** A chunk not yet written, so the final one can carry `finishReason` on real content. */
interface PendingChunk {
  parts: GeminiPart[];
  /** The IR block whose delta the last part holds (a later signature goes onto that part). */
  blockIndex: number;
}

/**
 * IR stream events → `streamGenerateContent?alt=sse` for Gemini clients: one `data:` chunk per batch of parts, framed with CRLF CRLF like Gemini; text and thought
 * deltas as they come, function calls whole (with `args` objects) at their block end. The last
 * chunk is held back one step so the final one carries `finishReason` (STOP for tool calls too)
 * and the full `usageMetadata` on real parts: Gemini CLI needs a finishReason at the end and
 * rejects empty text parts, so an empty text part is only written to carry a signature. A
 * failure after the first chunk is a `data: {"error":{code,message,status}}` chunk, the shape
 * the Google GenAI SDKs throw on.
 */
export class GeminiStreamEncoder implements StreamStateMachine<StreamEvent, string> {
  private readonly thoughts: boolean;
  private responseId = '';
  private usage: Usage | undefined;
  private pending: PendingChunk | undefined;
  private open: { index: number; start: BlockStart; streamed: boolean } | undefined;
  private ended = false;
  private readonly carrier = new ReasoningCarrier();

  constructor(private readonly context: ClientContext) {
    this.thoughts = wantsThoughts(context);
  }

  push(event: StreamEvent): string[] {
    if (this.ended) return [];
    switch (event.type) {
      case 'response-start':
        this.responseId = event.id;
        return [];
      case 'usage':
        this.usage = event.usage;
        return [];
      case 'block-start':
        this.open = { index: event.index, start: event.block, streamed: false };
        return [];
      case 'text-delta':
        if (event.delta === '' || (this.open?.start.kind !== 'text' && this.open?.start.kind !== 'refusal')) return [];
        this.open.streamed = true;
        return this.queue([this.carrier.attach({ text: event.delta })], event.index);
      case 'reasoning-delta':
        if (event.delta === '' || !this.thoughts || this.open?.start.kind !== 'reasoning') return [];
        this.open.streamed = true;
        return this.queue([{ text: event.delta, thought: true }], event.index);
      case 'tool-call-delta':
        // Calls are written whole at their end: Gemini clients never see partial arguments.
        return [];
      case 'block-end':
        return this.endBlock(event.index, event.block);
      case 'response-end': {
        if (event.usage) this.usage = event.usage;
        this.ended = true;
        const last = this.pending ?? { parts: [], blockIndex: -1 };
        last.parts.push(...this.carrier.rest());
        this.pending = undefined;
        return [this.write(last.parts, encodeFinishReason(event.finishReason))];
      }
      case 'error': {
        this.ended = true;
        return [...this.flush(), this.frame(encodeErrorBody(event.error))];
      }
    }
  }

  finish(): string[] {
    if (this.ended) return [];
    this.ended = true;
    return [...this.flush(), this.frame(encodeErrorBody({ code: 'provider_error', message: 'The response ended unexpectedly.' }))];
  }

  private endBlock(index: number, block: ContentBlock): string[] {
    const streamed = this.open?.index === index && this.open.streamed;
    this.open = undefined;
    this.carrier.hold(block);
    if (!streamed) {
      const part = encodeClientPart(block, this.thoughts);
      return part === undefined ? [] : this.queue([this.carrier.attach(part)], index);
    }
    // Streamed text or thoughts: only a Gemini signature is left to send, on the last part.
    const signature =
      block.type === 'text' && block.signature?.family === 'gemini'
        ? block.signature.value
        : block.type === 'reasoning' && block.family === 'gemini'
          ? block.signature
          : undefined;
    if (signature === undefined) return [];
    const last = this.pending?.blockIndex === index ? this.pending.parts.at(-1) : undefined;
    if (last !== undefined) {
      last.thoughtSignature = signature;
      return [];
    }
    return this.queue(
      [block.type === 'reasoning' ? { text: '', thought: true, thoughtSignature: signature } : { text: '', thoughtSignature: signature }],
      index,
    );
  }

  /** Holds the new chunk back and writes the one before it. */
  private queue(parts: GeminiPart[], blockIndex: number): string[] {
    const out = this.flush();
    this.pending = { parts, blockIndex };
    return out;
  }

  private flush(): string[] {
    const pending = this.pending;
    this.pending = undefined;
    return pending === undefined ? [] : [this.write(pending.parts)];
  }

  private write(parts: GeminiPart[], finishReason?: string): string {
    const candidate: GeminiCandidate = { content: parts.length > 0 ? { role: 'model', parts } : { role: 'model' }, index: 0 };
    if (finishReason !== undefined) candidate.finishReason = finishReason;
    const chunk: GeminiGenerateContentResponse = { candidates: [candidate] };
    if (this.usage !== undefined || finishReason !== undefined) chunk.usageMetadata = encodeUsage(this.usage);
    chunk.modelVersion = this.context.requestedModel;
    chunk.responseId = this.responseId || this.context.requestId;
    return this.frame(chunk);
  }

  private frame(payload: unknown): string {
    // Gemini separates events with CRLF CRLF; JSON.stringify never emits raw newlines.
    return `data: ${JSON.stringify(payload)}\r\n\r\n`;
  }
}

export function createStreamEncoder(context: ClientContext): StreamStateMachine<StreamEvent, string> {
  return new GeminiStreamEncoder(context);
}
