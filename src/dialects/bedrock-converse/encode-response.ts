import type { ClientContext } from '../../core/dialect.ts';
import type { ModelResponse } from '../../core/ir/index.ts';
import { clientToolName, toolCallArguments } from '../shared/tool-calls.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import type { ConverseContentBlock, ConverseResponse } from './wire.ts';

/** IR → a Converse answer (the client half). */
export function encodeResponse(response: ModelResponse, context: ClientContext): ConverseResponse {
  const content: ConverseContentBlock[] = [];
  for (const block of response.content) {
    if (block.type === 'text' || block.type === 'refusal') content.push({ text: block.text });
    else if (block.type === 'tool-call')
      content.push({ toolUse: { toolUseId: block.callId, name: clientToolName(block), input: toolCallArguments(block) ?? {} } });
    else if (block.type === 'reasoning') {
      if (block.redactedData !== undefined) content.push({ reasoningContent: { redactedContent: block.redactedData } });
      else {
        const text = block.summary.join('');
        content.push({ reasoningContent: { reasoningText: block.signature !== undefined ? { text, signature: block.signature } : { text } } });
      }
    } else context.warnings.add('content_dropped', `A ${block.type} block has no Converse form; dropped.`);
  }
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: encodeStopReason(response.finishReason),
    usage: encodeUsage(response.usage),
    metrics: { latencyMs: 0 },
  };
}
