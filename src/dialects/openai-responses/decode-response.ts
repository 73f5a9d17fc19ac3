import type { ExchangeContext } from '../../core/dialect.ts';
import type { ContentBlock, ModelResponse } from '../../core/ir/index.ts';
import { GatewayError } from '../../core/errors.ts';
import { decodeOutputItem } from './decode-output-item.ts';
import { decodeResponseFailure } from './errors.ts';
import { decodeStopReason } from './map-stop-reason.ts';
import { decodeUsage } from './map-usage.ts';
import { isRecord } from './wire.ts';

/**
 * A non-stream Responses object from the upstream into the IR. A `failed` response (which can
 * arrive with HTTP 200) is an error, never a response with an empty output.
 */
export function decodeResponse(body: unknown, context: ExchangeContext): ModelResponse {
  if (!isRecord(body)) throw new GatewayError({ code: 'provider_error', message: 'The upstream answered with a body that is not a JSON object.' });
  const status = typeof body.status === 'string' ? body.status : 'completed';
  if (status === 'failed' || status === 'cancelled') {
    throw new GatewayError(decodeResponseFailure(body.error ?? { message: `The upstream response ${status}.` }));
  }
  const content: ContentBlock[] = [];
  if (Array.isArray(body.output)) {
    for (const item of body.output) if (isRecord(item)) content.push(...decodeOutputItem(item, context.toolNames));
  }
  const response: ModelResponse = {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : context.target.model,
    createdAt: typeof body.created_at === 'number' ? body.created_at : Math.floor(Date.now() / 1000),
    content,
    finishReason: decodeStopReason({
      status,
      incompleteReason: readIncompleteReason(body.incomplete_details),
      hasToolCalls: content.some((block) => block.type === 'tool-call'),
      hasRefusal: content.some((block) => block.type === 'refusal'),
    }),
  };
  const usage = decodeUsage(body.usage);
  if (usage) response.usage = usage;
  return response;
}

export function readIncompleteReason(details: unknown): string | undefined {
  return isRecord(details) && typeof details.reason === 'string' ? details.reason : undefined;
}
