import type { ExchangeContext } from '../../core/dialect.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ContentBlock, ModelResponse } from '../../core/ir/index.ts';
import { decodeContentBlock } from './decode-content-block.ts';
import { decodeStopReason } from './map-stop-reason.ts';
import { decodeUsage } from './map-usage.ts';

/** A non-streaming Messages response → IR. */
export function decodeResponse(body: unknown, context: ExchangeContext): ModelResponse {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { content?: unknown }).content)) {
    throw new GatewayError({ code: 'provider_error', message: 'Anthropic returned a response without content.' });
  }
  const message = body as { id?: unknown; model?: unknown; content: unknown[]; stop_reason?: unknown; usage?: unknown };
  const identityOf = (wireName: string) => context.toolNames.identity(wireName);
  const finishReason = decodeStopReason(typeof message.stop_reason === 'string' ? message.stop_reason : null);
  const content: ContentBlock[] = [];
  message.content.forEach((wire, index) => {
    const block = decodeContentBlock(wire, identityOf, context.warnings);
    if (block === undefined) return;
    // A call that ends a max_tokens response may have lost the end of its input: never run it.
    if (block.type === 'tool-call' && finishReason.unified === 'length' && index === message.content.length - 1) {
      context.warnings.add('tool_call_truncated', `The call to ${block.name} was cut off by max_tokens and was not returned.`);
      return;
    }
    content.push(block);
  });
  const response: ModelResponse = {
    id: typeof message.id === 'string' ? message.id : '',
    model: typeof message.model === 'string' ? message.model : context.target.model,
    createdAt: Math.floor(Date.now() / 1000),
    content,
    finishReason,
  };
  if (message.usage !== undefined) response.usage = decodeUsage(message.usage as Parameters<typeof decodeUsage>[0]);
  return response;
}
