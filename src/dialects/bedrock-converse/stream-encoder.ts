import type { ClientContext } from '../../core/dialect.ts';
import type { ContentBlock, StreamEvent, StreamStateMachine, Usage } from '../../core/ir/index.ts';
import { clientToolName, toolCallArguments } from '../shared/tool-calls.ts';
import { streamExceptionName } from './errors.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';

/** One ConverseStream output member as the SSE event the gateway's reframer also writes. */
export function converseEvent(name: string, payload: unknown): string {
  return `data: ${JSON.stringify({ [name]: payload })}\n\n`;
}

/**
 * IR stream events → ConverseStream members (the client half; the same SSE form the Bedrock
 * transport reframes the event stream into). Tool input is written whole at the block's end
 * (freeform calls wrapped as `{input}`), reasoning signatures and redacted content too.
 */
export class ConverseStreamEncoder implements StreamStateMachine<StreamEvent, string> {
  private usage: Usage | undefined;
  private wroteDelta = new Set<number>();
  private done = false;

  constructor(private readonly context: ClientContext) {}

  push(event: StreamEvent): string[] {
    if (this.done) return [];
    switch (event.type) {
      case 'response-start':
        return [converseEvent('messageStart', { role: 'assistant' })];
      case 'block-start':
        if (event.block.kind === 'tool-call') {
          const name = clientToolName({ name: event.block.name, ...(event.block.namespace ? { namespace: event.block.namespace } : {}) });
          return [converseEvent('contentBlockStart', { start: { toolUse: { toolUseId: event.block.callId, name } }, contentBlockIndex: event.index })];
        }
        return [];
      case 'text-delta':
        this.wroteDelta.add(event.index);
        return [converseEvent('contentBlockDelta', { delta: { text: event.delta }, contentBlockIndex: event.index })];
      case 'reasoning-delta':
        this.wroteDelta.add(event.index);
        return [converseEvent('contentBlockDelta', { delta: { reasoningContent: { text: event.delta } }, contentBlockIndex: event.index })];
      case 'tool-call-delta':
        return [];
      case 'block-end':
        return this.blockEnd(event.index, event.block);
      case 'usage':
        this.usage = event.usage;
        return [];
      case 'response-end':
        this.done = true;
        return [
          converseEvent('messageStop', { stopReason: encodeStopReason(event.finishReason) }),
          converseEvent('metadata', { usage: encodeUsage(event.usage ?? this.usage), metrics: { latencyMs: 0 } }),
        ];
      case 'error':
        this.done = true;
        return [converseEvent(streamExceptionName(event.error.code), { message: event.error.message })];
    }
  }

  finish(): string[] {
    return [];
  }

  private blockEnd(index: number, block: ContentBlock): string[] {
    const delta = (value: unknown) => converseEvent('contentBlockDelta', { delta: value, contentBlockIndex: index });
    const out: string[] = [];
    switch (block.type) {
      case 'text':
      case 'refusal':
        if (!this.wroteDelta.has(index)) out.push(delta({ text: block.text }));
        break;
      case 'reasoning':
        if (block.redactedData !== undefined) out.push(delta({ reasoningContent: { redactedContent: block.redactedData } }));
        else {
          if (!this.wroteDelta.has(index)) out.push(delta({ reasoningContent: { text: block.summary.join('') } }));
          if (block.signature !== undefined) out.push(delta({ reasoningContent: { signature: block.signature } }));
        }
        break;
      case 'tool-call':
        out.push(delta({ toolUse: { input: JSON.stringify(toolCallArguments(block) ?? {}) } }));
        break;
      default:
        this.context.warnings.add('content_dropped', `A ${block.type} block has no ConverseStream form; dropped.`);
        return [];
    }
    out.push(converseEvent('contentBlockStop', { contentBlockIndex: index }));
    return out;
  }
}

export function createStreamEncoder(context: ClientContext): StreamStateMachine<StreamEvent, string> {
  return new ConverseStreamEncoder(context);
}
