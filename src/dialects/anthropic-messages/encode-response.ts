import type { ClientContext } from '../../core/dialect.ts';
import type { ContentBlock, ModelResponse, ToolCallBlock } from '../../core/ir/index.ts';
import { encodeToolUseId } from './encode-content-block.ts';
import { encodeStopReason } from './map-stop-reason.ts';
import { encodeUsage } from './map-usage.ts';
import type { AnthropicContentBlock, AnthropicMessagesResponse, AnthropicOtherBlock } from './wire.ts';
import { clientToolName, toolCallArguments } from '../shared/tool-calls.ts';
import { GatewayError } from '../../core/errors.ts';
import { modelStopError } from '../shared/model-stop.ts';
import { carriesSecret, sealReasoning } from '../shared/carried-reasoning.ts';

/** Message ids keep Anthropic's `msg_` prefix (SDKs and logs expect it). */
export function clientMessageId(id: string, context: ClientContext): string {
  if (id.startsWith('msg_')) return id;
  return `msg_${(id || context.requestId).replace(/[^a-zA-Z0-9_-]/g, '_')}`;
}

/**
 * One response block for an Anthropic client, or undefined: thinking is only shown when it
 * carries Anthropic's own signature (a fabricated one is rejected on replay), or another
 * family's secret (OpenAI `encrypted_content`) sealed into the signature, which Claude Code
 * echoes verbatim; other dialects' opaque items have no Anthropic form.
 */
export function encodeClientBlock(block: ContentBlock): AnthropicContentBlock | AnthropicOtherBlock | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'refusal':
      return { type: 'text', text: block.text };
    case 'reasoning':
      if (block.family !== 'anthropic') {
        return carriesSecret(block) ? { type: 'thinking', thinking: block.summary.join(''), signature: sealReasoning([block]) } : undefined;
      }
      if (block.redactedData !== undefined) return { type: 'redacted_thinking', data: block.redactedData };
      if (block.signature === undefined) return undefined;
      return { type: 'thinking', thinking: block.summary.join(''), signature: block.signature };
    case 'tool-call':
      return { type: 'tool_use', id: encodeToolUseId(block.callId), name: clientToolName(block, 128), input: toolCallArguments(block) ?? {} };
    case 'opaque':
      return block.dialect === 'anthropic-messages' ? (block.value as AnthropicOtherBlock) : undefined;
    default:
      return undefined;
  }
}

/** IR response → an Anthropic `message` object, named after the model the client asked for. */
export function encodeResponse(response: ModelResponse, context: ClientContext): AnthropicMessagesResponse {
  // Anthropic has no failed message: a model that stopped without an answer is an HTTP error.
  const stopError = modelStopError(response.finishReason);
  if (stopError) throw new GatewayError(stopError);
  const content: Array<AnthropicContentBlock | AnthropicOtherBlock> = [];
  for (const block of response.content) {
    const encoded = encodeClientBlock(block);
    if (encoded !== undefined) content.push(encoded);
  }
  return {
    id: clientMessageId(response.id, context),
    type: 'message',
    role: 'assistant',
    model: context.requestedModel,
    content,
    stop_reason: encodeStopReason(response.finishReason),
    stop_sequence: null,
    usage: encodeUsage(response.usage),
  };
}
