import type { ExchangeContext } from '../../core/dialect.ts';
import type { ContentBlock, StreamEvent, ToolCallBlock } from '../../core/ir/index.ts';
import { synthesizeCallId } from './call-id.ts';
import { decodeToolIdentity } from './gemini-tool-name.ts';
import { PartialFunctionCall } from './partial-function-call.ts';
import { isRecord, type GeminiFunctionCall } from './wire.ts';

/** Part fields that carry something other than text (a text part has none of them). */
const payloadKeys = new Set([
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
  'toolCall',
  'toolResponse',
]);

interface OpenBlock {
  index: number;
  kind: 'text' | 'reasoning';
  text: string;
}

/**
 * Model parts → IR blocks, in order, one block open at a time. Consecutive text parts form one
 * text block and consecutive thought parts one reasoning block (family `gemini`, the thought
 * text as its summary). A `thoughtSignature` belongs to the part it arrived on:
 * - on a `functionCall` part: the tool-call block's `signature`;
 * - on a text or thought part: the open block of that kind takes it and closes, so the
 *   signature is replayed on the part that ends that text;
 * - on an empty text part (Gemini streams it last, test/fixtures/providers/gemini/text-thought-signature-on-empty-part.jsonl):
 *   the open text block takes it when one is open (the stream split one text part), otherwise
 *   it becomes an empty text block carrying the signature, replayed as `{text:"", thoughtSignature}`.
 * Other parts (`inlineData`, `executableCode`, `toolCall`…) become opaque blocks for Gemini.
 */
export class PartDecoder {
  hasToolCalls = false;
  /** A streamed (Vertex) call was cut off before its last fragment. */
  truncatedCall = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  private partial: PartialFunctionCall | undefined;

  constructor(private readonly context: ExchangeContext) {}

  push(part: unknown): StreamEvent[] {
    if (!isRecord(part)) return [];
    const signature = typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '' ? part.thoughtSignature : undefined;
    if (isRecord(part.functionCall)) return this.functionCall(part.functionCall as unknown as GeminiFunctionCall, signature);
    const events = this.closePartial();
    if (typeof part.text === 'string' && !Object.keys(part).some((key) => payloadKeys.has(key))) {
      events.push(...this.text(part.text, part.thought === true ? 'reasoning' : 'text', signature));
      return events;
    }
    events.push(...this.close());
    const index = this.nextIndex++;
    events.push(
      { type: 'block-start', index, block: { kind: 'opaque' } },
      { type: 'block-end', index, block: { type: 'opaque', dialect: 'gemini', value: part } },
    );
    return events;
  }

  /** Closes what is still open at the end of the response. */
  finish(): StreamEvent[] {
    const events = this.close();
    if (this.partial !== undefined) {
      this.truncatedCall = true;
      this.context.warnings.add(
        'tool_call_truncated',
        `The streamed call to ${this.partial.name} ended before its arguments were complete and was not returned.`,
      );
      this.partial = undefined;
    }
    return events;
  }

  private text(text: string, kind: OpenBlock['kind'], signature: string | undefined): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (text === '' && signature === undefined) return events;
    if (this.open?.kind !== kind) {
      events.push(...this.close());
      if (text === '' && kind === 'text' && signature !== undefined) {
        // A signature alone, after something that is not text: an empty signed text block.
        const index = this.nextIndex++;
        events.push({ type: 'block-start', index, block: { kind: 'text' } });
        events.push({ type: 'block-end', index, block: { type: 'text', text: '', signature: { family: 'gemini', value: signature } } });
        return events;
      }
      const index = this.nextIndex++;
      this.open = { index, kind, text: '' };
      events.push({ type: 'block-start', index, block: kind === 'text' ? { kind: 'text' } : { kind: 'reasoning', family: 'gemini' } });
    }
    const open = this.open as OpenBlock;
    if (text !== '') {
      open.text += text;
      events.push(
        kind === 'text' ? { type: 'text-delta', index: open.index, delta: text } : { type: 'reasoning-delta', index: open.index, delta: text, part: 0 },
      );
    }
    if (signature !== undefined) events.push(...this.close(signature));
    return events;
  }

  private close(signature?: string): StreamEvent[] {
    const open = this.open;
    if (open === undefined) return [];
    this.open = undefined;
    let block: ContentBlock;
    if (open.kind === 'text') {
      block = { type: 'text', text: open.text };
      if (signature !== undefined) block.signature = { family: 'gemini', value: signature };
    } else {
      block = { type: 'reasoning', family: 'gemini', summary: open.text === '' ? [] : [open.text] };
      if (signature !== undefined) block.signature = signature;
    }
    return [{ type: 'block-end', index: open.index, block }];
  }

  private functionCall(call: GeminiFunctionCall, signature: string | undefined): StreamEvent[] {
    if (this.partial !== undefined && PartialFunctionCall.continues(call)) {
      if (!this.partial.apply(call)) {
        this.context.warnings.add('tool_call_dropped', `A streamed argument of ${this.partial.name} had an unreadable jsonPath; the call was dropped.`);
        this.partial = undefined;
        this.truncatedCall = true;
        return [];
      }
      if (call.willContinue === true) return [];
      const done = this.partial;
      this.partial = undefined;
      return this.emitCall(done.name, done.id, done.args, done.signature);
    }
    const events = [...this.closePartial(), ...this.close()];
    if (PartialFunctionCall.starts(call)) {
      this.partial = new PartialFunctionCall(call.name, typeof call.id === 'string' ? call.id : undefined, signature);
      return events;
    }
    if (typeof call.name !== 'string' || call.name === '') {
      this.context.warnings.add('tool_call_dropped', 'Gemini sent a functionCall part without a name; it was dropped.');
      return events;
    }
    const args = isRecord(call.args) ? call.args : {};
    events.push(...this.emitCall(call.name, typeof call.id === 'string' && call.id !== '' ? call.id : undefined, args, signature));
    return events;
  }

  /** A streamed call interrupted by another part: what arrived is all there is. */
  private closePartial(): StreamEvent[] {
    const partial = this.partial;
    if (partial === undefined) return [];
    this.partial = undefined;
    return this.emitCall(partial.name, partial.id, partial.args, partial.signature);
  }

  private emitCall(wireName: string, id: string | undefined, args: Record<string, unknown>, signature: string | undefined): StreamEvent[] {
    const identity = decodeToolIdentity(this.context.toolNames, wireName);
    const callId = id ?? synthesizeCallId();
    // A freeform tool was declared as a function taking one string `input`: unwrap it.
    const input = identity.kind === 'custom' && typeof args.input === 'string' ? args.input : JSON.stringify(args);
    if (identity.kind === 'custom' && typeof args.input !== 'string') {
      this.context.warnings.add(
        'tool_arguments_replaced',
        `Gemini called freeform tool ${identity.name} without a string \`input\`; its arguments were passed as JSON text.`,
      );
    }
    const block: ToolCallBlock = { type: 'tool-call', callId, name: identity.name, kind: identity.kind, input };
    if (identity.namespace !== undefined) block.namespace = identity.namespace;
    if (signature !== undefined) block.signature = { family: 'gemini', value: signature };
    this.hasToolCalls = true;
    const index = this.nextIndex++;
    const events: StreamEvent[] = [
      {
        type: 'block-start',
        index,
        block: {
          kind: 'tool-call',
          callId,
          name: identity.name,
          toolKind: identity.kind,
          ...(identity.namespace !== undefined ? { namespace: identity.namespace } : {}),
          ...(block.signature !== undefined ? { signature: block.signature } : {}),
        },
      },
    ];
    if (input !== '') events.push({ type: 'tool-call-delta', index, delta: input });
    events.push({ type: 'block-end', index, block });
    return events;
  }
}
