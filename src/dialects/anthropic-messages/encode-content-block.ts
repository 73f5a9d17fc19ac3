import { invalidRequest } from '../../core/errors.ts';
import type { ContentBlock, ImageSource, ReasoningBlock, ToolCallBlock, ToolResultBlock } from '../../core/ir/index.ts';
import type { ToolNameMap } from '../../core/tool-names.ts';
import type { Warnings } from '../../core/warnings.ts';
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMediaSource,
  AnthropicOtherBlock,
  AnthropicToolResultContent,
} from './wire.ts';
import { toolCallArguments } from '../shared/tool-calls.ts';

export interface BlockEncoding {
  warnings: Warnings;
  toolNames: ToolNameMap;
}

export type EncodedBlock = AnthropicContentBlock | AnthropicOtherBlock;

/** Anthropic accepts tool ids matching `^[a-zA-Z0-9_-]+$`; other providers' ids may not. */
export function encodeToolUseId(callId: string): string {
  const cleaned = callId.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned.length > 0 ? cleaned : 'toolu_missing';
}

/** Empty and whitespace-only text is rejected ("text content blocks must be non-empty"). */
export function isBlankText(text: string): boolean {
  return text.trim().length === 0;
}

const dataUrlPattern = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

function encodeSource(source: ImageSource, what: string): AnthropicMediaSource {
  switch (source.kind) {
    case 'base64':
      return { type: 'base64', media_type: source.mediaType, data: source.data };
    case 'url': {
      const dataUrl = dataUrlPattern.exec(source.url);
      if (dataUrl) return { type: 'base64', media_type: dataUrl[1] ?? 'application/octet-stream', data: dataUrl[2] ?? '' };
      return { type: 'url', url: source.url };
    }
    case 'file-id':
      throw invalidRequest(`A provider file id (${source.fileId}) cannot be sent to Anthropic; send the ${what} inline or as a URL.`);
  }
}

function encodeImage(block: { source: ImageSource; detail?: string }, encoding: BlockEncoding): AnthropicImageBlock {
  if (block.detail !== undefined && block.detail !== 'auto') {
    encoding.warnings.add('field_dropped', `Image detail "${block.detail}" has no Anthropic equivalent; dropped.`);
  }
  return { type: 'image', source: encodeSource(block.source, 'image') };
}

/** Anthropic documents are PDF or plain text; other file types are dropped with a warning. */
function encodeFile(block: { source: ImageSource; filename?: string }, encoding: BlockEncoding): AnthropicDocumentBlock | undefined {
  const source = encodeSource(block.source, 'file');
  if (source.type === 'base64' && source.media_type.startsWith('text/')) {
    const text = Buffer.from(source.data, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...(block.filename ? { title: block.filename } : {}) };
  }
  if (source.type === 'base64' && source.media_type !== 'application/pdf') {
    encoding.warnings.add('content_dropped', `A ${source.media_type} file cannot be sent to Anthropic (PDF and text only); dropped.`);
    return undefined;
  }
  return { type: 'document', source, ...(block.filename ? { title: block.filename } : {}) };
}

/** The arguments object of a replayed call: Anthropic wants an object, never a string. */
function encodeToolInput(block: ToolCallBlock, encoding: BlockEncoding): Record<string, unknown> {
  const input = toolCallArguments(block);
  if (input) return input;
  encoding.warnings.add('tool_arguments_replaced', `The arguments of call ${block.callId} are not a JSON object; replayed as {}.`);
  return {};
}

/** Only Anthropic's own thinking replays (signatures are provider-bound); others vanish. */
function encodeReasoning(block: ReasoningBlock, encoding: BlockEncoding): EncodedBlock | undefined {
  if (block.family !== 'anthropic') return undefined;
  if (block.redactedData !== undefined) return { type: 'redacted_thinking', data: block.redactedData };
  if (block.signature === undefined || block.signature === '') {
    encoding.warnings.add('reasoning_dropped', 'An Anthropic thinking block without a signature cannot be replayed; dropped.');
    return undefined;
  }
  const thinking = block.summary.length > 0 ? block.summary.join('') : (block.text ?? []).join('');
  return { type: 'thinking', thinking, signature: block.signature };
}

function encodeToolResultContent(output: ToolResultBlock['output'], encoding: BlockEncoding): string | AnthropicToolResultContent[] | undefined {
  if (typeof output === 'string') return isBlankText(output) ? undefined : output;
  const content: AnthropicToolResultContent[] = [];
  for (const part of output) {
    if (part.type === 'text') {
      if (!isBlankText(part.text)) content.push({ type: 'text', text: part.text });
    } else if (part.type === 'image') {
      content.push(encodeImage(part, encoding));
    } else if (part.type === 'file') {
      const document = encodeFile(part, encoding);
      if (document) content.push(document);
    } else if (part.type === 'opaque' && part.dialect === 'anthropic-messages') {
      // e.g. Claude Code's tool_reference / search_result parts, replayed as they came.
      content.push(part.value as AnthropicToolResultContent);
    } else {
      encoding.warnings.add('content_dropped', `A ${part.type} block inside a tool result cannot be sent to Anthropic; dropped.`);
    }
  }
  return content.length > 0 ? content : undefined;
}

/**
 * One IR block as an Anthropic content block, or undefined when Anthropic has no place for
 * it (blank text, foreign reasoning, another dialect's opaque item).
 */
export function encodeContentBlock(block: ContentBlock, encoding: BlockEncoding): EncodedBlock | undefined {
  switch (block.type) {
    case 'text':
      if (isBlankText(block.text)) return undefined;
      return { type: 'text', text: block.text, ...(block.cacheControl !== undefined ? { cache_control: block.cacheControl } : {}) };
    case 'refusal':
      return isBlankText(block.text) ? undefined : { type: 'text', text: block.text };
    case 'image':
      return encodeImage(block, encoding);
    case 'file':
      return encodeFile(block, encoding);
    case 'reasoning':
      return encodeReasoning(block, encoding);
    case 'tool-call':
      return {
        type: 'tool_use',
        id: encodeToolUseId(block.callId),
        name: encoding.toolNames.wireName(block.name, block.namespace, block.kind),
        input: encodeToolInput(block, encoding),
      };
    case 'tool-result': {
      const content = encodeToolResultContent(block.output, encoding);
      return {
        type: 'tool_result',
        tool_use_id: encodeToolUseId(block.callId),
        ...(content !== undefined ? { content } : {}),
        ...(block.isError ? { is_error: true } : {}),
      };
    }
    case 'opaque':
      if (block.dialect === 'anthropic-messages' && typeof block.value === 'object' && block.value !== null) {
        return block.value as AnthropicOtherBlock;
      }
      return undefined;
  }
}
