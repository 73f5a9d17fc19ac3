import type { ContentBlock } from './content.ts';
import type { FinishReason, ModelResponse, Usage } from './response.ts';
import type { StreamEvent } from './stream.ts';
import { GatewayError } from '../errors.ts';

/**
 * Folds stream events into one complete response, so streamed and unary requests share
 * logging, cost and cache code. Feed events with `push`; `result()` once the stream ended.
 */
export class StreamFold {
  private id = '';
  private model = '';
  private createdAt = 0;
  private readonly blocks: ContentBlock[] = [];
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private error: GatewayError | undefined;

  push(event: StreamEvent): void {
    switch (event.type) {
      case 'response-start':
        this.id = event.id;
        this.model = event.model;
        this.createdAt = event.createdAt;
        break;
      case 'block-end':
        this.blocks.push(event.block);
        break;
      case 'usage':
        this.usage = event.usage;
        break;
      case 'response-end':
        this.finishReason = event.finishReason;
        if (event.usage) this.usage = event.usage;
        break;
      case 'error':
        this.error = new GatewayError(event.error);
        break;
      default:
        break;
    }
  }

  get lastUsage(): Usage | undefined {
    return this.usage;
  }

  get failed(): GatewayError | undefined {
    return this.error;
  }

  get ended(): boolean {
    return this.finishReason !== undefined || this.error !== undefined;
  }

  /** The complete response; throws the stream's error, or a gateway error if it never ended. */
  result(): ModelResponse {
    if (this.error) throw this.error;
    if (!this.finishReason) {
      throw new GatewayError({ code: 'provider_error', message: 'The upstream stream ended before the response was complete.' });
    }
    const response: ModelResponse = {
      id: this.id,
      model: this.model,
      createdAt: this.createdAt,
      content: this.blocks,
      finishReason: this.finishReason,
    };
    if (this.usage) response.usage = this.usage;
    return response;
  }
}

export function foldStream(events: Iterable<StreamEvent>): ModelResponse {
  const fold = new StreamFold();
  for (const event of events) fold.push(event);
  return fold.result();
}
