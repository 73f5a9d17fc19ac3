import { invalidRequest } from '../../core/errors.ts';
import type { ContentBlock, ImageSource, Message, ModelRequest, ToolChoice, ToolDefinition } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { isRecord } from './wire.ts';

const mediaTypeOfImage: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
const mediaTypeOfDocument: Record<string, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html',
  txt: 'text/plain',
  md: 'text/markdown',
};
/** Top-level fields the IR models; the others travel in `extensions['bedrock-converse']`. */
const modelled = new Set(['messages', 'system', 'inferenceConfig', 'toolConfig', 'modelId']);
const cacheMark = { type: 'ephemeral' };

function sourceOf(value: unknown, mediaTypes: Record<string, string>, format: unknown): ImageSource | undefined {
  if (!isRecord(value)) return undefined;
  const mediaType = mediaTypes[String(format)] ?? 'application/octet-stream';
  if (typeof value.bytes === 'string') return { kind: 'base64', mediaType, data: value.bytes };
  if (isRecord(value.s3Location) && typeof value.s3Location.uri === 'string') return { kind: 'url', url: value.s3Location.uri };
  if (typeof value.text === 'string') return { kind: 'base64', mediaType: 'text/plain', data: Buffer.from(value.text).toString('base64') };
  return undefined;
}

/** A Converse content block → IR (a `cachePoint` marks the block before it), or undefined. */
function decodeBlock(block: unknown, warnings: Warnings): ContentBlock | 'cache-point' | undefined {
  if (!isRecord(block)) return undefined;
  if (typeof block.text === 'string') return { type: 'text', text: block.text };
  if (isRecord(block.cachePoint)) return 'cache-point';
  if (isRecord(block.image)) {
    const source = sourceOf(block.image.source, mediaTypeOfImage, block.image.format);
    return source ? { type: 'image', source } : undefined;
  }
  if (isRecord(block.document)) {
    const source = sourceOf(block.document.source, mediaTypeOfDocument, block.document.format);
    return source ? { type: 'file', source, ...(typeof block.document.name === 'string' ? { filename: block.document.name } : {}) } : undefined;
  }
  if (isRecord(block.toolUse)) {
    return {
      type: 'tool-call',
      callId: String(block.toolUse.toolUseId ?? ''),
      name: String(block.toolUse.name ?? ''),
      kind: 'function',
      input: JSON.stringify(block.toolUse.input ?? {}),
    };
  }
  if (isRecord(block.toolResult)) {
    const parts: ContentBlock[] = [];
    for (const part of Array.isArray(block.toolResult.content) ? block.toolResult.content : []) {
      if (isRecord(part) && 'json' in part) parts.push({ type: 'text', text: JSON.stringify(part.json) });
      else {
        const decoded = decodeBlock(part, warnings);
        if (decoded && decoded !== 'cache-point') parts.push(decoded);
      }
    }
    const output = parts.every((part) => part.type === 'text') ? parts.map((part) => (part.type === 'text' ? part.text : '')).join('\n') : parts;
    return {
      type: 'tool-result',
      callId: String(block.toolResult.toolUseId ?? ''),
      kind: 'function',
      output,
      ...(block.toolResult.status === 'error' ? { isError: true } : {}),
    };
  }
  if (isRecord(block.reasoningContent)) {
    const reasoning = block.reasoningContent;
    if (typeof reasoning.redactedContent === 'string') return { type: 'reasoning', family: 'anthropic', summary: [], redactedData: reasoning.redactedContent };
    if (isRecord(reasoning.reasoningText)) {
      const text = typeof reasoning.reasoningText.text === 'string' ? reasoning.reasoningText.text : '';
      const signature = reasoning.reasoningText.signature;
      return typeof signature === 'string'
        ? { type: 'reasoning', family: 'anthropic', summary: text === '' ? [] : [text], signature }
        : { type: 'reasoning', family: 'openai-compatible', summary: text === '' ? [] : [text] };
    }
  }
  warnings.add('content_dropped', `A Converse ${Object.keys(block)[0] ?? 'empty'} block has no IR form; dropped.`);
  return undefined;
}

function decodeBlocks(blocks: unknown, warnings: Warnings): ContentBlock[] {
  const out: ContentBlock[] = [];
  for (const block of Array.isArray(blocks) ? blocks : []) {
    const decoded = decodeBlock(block, warnings);
    if (decoded === 'cache-point') {
      const last = out.at(-1);
      if (last?.type === 'text') last.cacheControl = cacheMark;
    } else if (decoded) out.push(decoded);
  }
  return out;
}

function decodeTools(toolConfig: unknown): { tools: ToolDefinition[]; toolChoice?: ToolChoice } {
  if (!isRecord(toolConfig)) return { tools: [] };
  const tools: ToolDefinition[] = [];
  for (const entry of Array.isArray(toolConfig.tools) ? toolConfig.tools : []) {
    if (!isRecord(entry) || !isRecord(entry.toolSpec)) continue;
    const spec = entry.toolSpec;
    const schema = isRecord(spec.inputSchema) && isRecord(spec.inputSchema.json) ? spec.inputSchema.json : undefined;
    tools.push({
      kind: 'function',
      name: String(spec.name ?? ''),
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      ...(schema ? { parameters: schema } : {}),
    });
  }
  const choice = isRecord(toolConfig.toolChoice) ? toolConfig.toolChoice : undefined;
  if (choice && isRecord(choice.any)) return { tools, toolChoice: { type: 'required' } };
  if (choice && isRecord(choice.tool) && typeof choice.tool.name === 'string')
    return { tools, toolChoice: { type: 'tool', name: choice.tool.name, kind: 'function' } };
  return { tools };
}

/**
 * A Converse request body → IR (the client half; no route serves it yet, decision 0013). The
 * model and the stream flag are in the URL. Claude's `thinking` in
 * `additionalModelRequestFields` becomes the IR's reasoning budget.
 */
export function decodeRequest(body: unknown, warnings: Warnings): ModelRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  if (!Array.isArray(body.messages)) throw invalidRequest('messages: required list', 'messages');
  const messages: Message[] = body.messages.filter(isRecord).map((message) => ({
    role: message.role === 'assistant' ? 'assistant' : 'user',
    content: decodeBlocks(message.content, warnings),
  }));
  const extension: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!modelled.has(key)) extension[key] = value;
  const request: ModelRequest = {
    model: typeof body.modelId === 'string' ? body.modelId : '',
    system: decodeBlocks(body.system, warnings),
    messages,
    ...decodeTools(body.toolConfig),
    stream: false,
    extensions: {},
  };
  const inference = isRecord(body.inferenceConfig) ? body.inferenceConfig : {};
  if (typeof inference.maxTokens === 'number') request.maxOutputTokens = inference.maxTokens;
  if (typeof inference.temperature === 'number') request.temperature = inference.temperature;
  if (typeof inference.topP === 'number') request.topP = inference.topP;
  if (Array.isArray(inference.stopSequences)) request.stopSequences = inference.stopSequences.filter((item): item is string => typeof item === 'string');
  const additional = isRecord(extension.additionalModelRequestFields) ? { ...extension.additionalModelRequestFields } : undefined;
  if (additional) {
    const thinking = additional.thinking;
    if (isRecord(thinking)) {
      if (thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number') request.reasoning = { budgetTokens: thinking.budget_tokens };
      else if (thinking.type === 'disabled') request.reasoning = { disabled: true };
      delete additional.thinking;
    }
    if (typeof additional.top_k === 'number') {
      request.topK = additional.top_k;
      delete additional.top_k;
    }
    if (Object.keys(additional).length > 0) extension.additionalModelRequestFields = additional;
    else delete extension.additionalModelRequestFields;
  }
  if (Object.keys(extension).length > 0) request.extensions['bedrock-converse'] = extension;
  return request;
}
