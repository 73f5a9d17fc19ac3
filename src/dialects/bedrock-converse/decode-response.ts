import type { ExchangeContext } from '../../core/dialect.ts';
import { GatewayError } from '../../core/errors.ts';
import { foldStream, type ModelResponse, type StreamEvent } from '../../core/ir/index.ts';
import { ConverseStreamDecoder } from './stream-decoder.ts';
import { isRecord } from './wire.ts';

/**
 * A Converse answer (`output.message`, `stopReason`, `usage`, `metrics`) → IR. Its blocks are
 * fed to the stream decoder as the ConverseStream events they would have been, then folded:
 * whole and streamed answers decode alike. Output blocks other than text, tool use and
 * reasoning (images, documents) are dropped with a warning.
 */
export function decodeResponse(body: unknown, context: ExchangeContext): ModelResponse {
  if (!isRecord(body) || !isRecord(body.output)) {
    throw new GatewayError({ code: 'provider_bad_response', message: 'Bedrock returned a Converse answer without output.' });
  }
  const message = isRecord(body.output.message) ? body.output.message : {};
  const content = Array.isArray(message.content) ? message.content : [];
  const decoder = new ConverseStreamDecoder(context);
  const events: StreamEvent[] = [...decoder.pushEvent('messageStart', { role: 'assistant' })];
  content.forEach((block: unknown, contentBlockIndex) => {
    if (!isRecord(block)) return;
    const push = (name: string, payload: Record<string, unknown>) => events.push(...decoder.pushEvent(name, { contentBlockIndex, ...payload }));
    if (typeof block.text === 'string') push('contentBlockDelta', { delta: { text: block.text } });
    else if (isRecord(block.toolUse)) {
      push('contentBlockStart', { start: { toolUse: { toolUseId: block.toolUse.toolUseId, name: block.toolUse.name } } });
      push('contentBlockDelta', { delta: { toolUse: { input: JSON.stringify(block.toolUse.input ?? {}) } } });
    } else if (isRecord(block.reasoningContent)) {
      const reasoning = block.reasoningContent;
      if (isRecord(reasoning.reasoningText)) {
        const { text, signature } = reasoning.reasoningText;
        push('contentBlockDelta', { delta: { reasoningContent: { text: typeof text === 'string' ? text : '' } } });
        if (typeof signature === 'string') push('contentBlockDelta', { delta: { reasoningContent: { signature } } });
      } else if (typeof reasoning.redactedContent === 'string') {
        push('contentBlockDelta', { delta: { reasoningContent: { redactedContent: reasoning.redactedContent } } });
      }
    } else {
      context.warnings.add('content_dropped', `A ${Object.keys(block)[0] ?? 'empty'} block in the Bedrock answer has no portable form; dropped.`);
      return;
    }
    push('contentBlockStop', {});
  });
  events.push(...decoder.pushEvent('messageStop', { stopReason: body.stopReason }));
  events.push(...decoder.pushEvent('metadata', { usage: body.usage, metrics: body.metrics }));
  events.push(...decoder.finish());
  const error = events.find((event) => event.type === 'error');
  if (error?.type === 'error') throw new GatewayError(error.error);
  return foldStream(events);
}
