import type { ContentBlock, ReasoningBlock, ToolCallBlock } from '../../core/ir/index.ts';
import type { ToolNameMap } from '../../core/tool-names.ts';
import { decodeWireToolName } from './wire-tool-name.ts';
import { isRecord } from './wire.ts';

/**
 * One upstream output item into IR blocks (shared by the non-stream and stream decoders).
 * Upstream output is trusted to be well-formed, but read defensively: a field of the wrong
 * type reads as absent instead of throwing in the middle of a stream.
 */
export function decodeOutputItem(item: Record<string, unknown>, toolNames: ToolNameMap): ContentBlock[] {
  switch (item.type) {
    case 'message':
      return decodeMessageContent(item.content);
    case 'reasoning':
      return [decodeReasoningOutput(item)];
    case 'function_call':
    case 'custom_tool_call':
      return [decodeToolCallOutput(item, toolNames)];
    default:
      return [{ type: 'opaque', dialect: 'openai-responses', value: item }];
  }
}

export function decodeMessageContent(content: unknown): ContentBlock[] {
  if (!Array.isArray(content)) return [];
  return content.filter(isRecord).map(decodeOutputPart);
}

export function decodeOutputPart(part: Record<string, unknown>): ContentBlock {
  if (part.type === 'output_text') {
    const text = typeof part.text === 'string' ? part.text : '';
    return Array.isArray(part.annotations) && part.annotations.length > 0 ? { type: 'text', text, annotations: part.annotations } : { type: 'text', text };
  }
  if (part.type === 'refusal') return { type: 'refusal', text: typeof part.refusal === 'string' ? part.refusal : '' };
  return { type: 'opaque', dialect: 'openai-responses', value: { contentPart: part } };
}

export function decodeReasoningOutput(item: Record<string, unknown>): ReasoningBlock {
  const block: ReasoningBlock = { type: 'reasoning', family: 'openai', summary: readTexts(item.summary) };
  if (typeof item.id === 'string') block.itemId = item.id;
  if (Array.isArray(item.content)) block.text = readTexts(item.content);
  if (typeof item.encrypted_content === 'string') block.encryptedContent = item.encrypted_content;
  return block;
}

export function decodeToolCallOutput(item: Record<string, unknown>, toolNames: ToolNameMap): ToolCallBlock {
  const kind = item.type === 'custom_tool_call' ? 'custom' : 'function';
  const wireName = typeof item.name === 'string' ? item.name : '';
  const identity = decodeWireToolName(wireName, typeof item.namespace === 'string' ? item.namespace : undefined, toolNames);
  const input = kind === 'custom' ? item.input : item.arguments;
  const block: ToolCallBlock = {
    type: 'tool-call',
    callId: typeof item.call_id === 'string' ? item.call_id : '',
    name: identity.name,
    kind,
    input: typeof input === 'string' ? input : '',
  };
  if (typeof item.id === 'string') block.itemId = item.id;
  if (identity.namespace !== undefined) block.namespace = identity.namespace;
  if (typeof item.status === 'string') block.status = item.status;
  return block;
}

function readTexts(parts: unknown): string[] {
  if (!Array.isArray(parts)) return [];
  return parts.filter(isRecord).map((part) => (typeof part.text === 'string' ? part.text : ''));
}
