import { invalidRequest } from '../../core/errors.ts';
import type { ContentBlock, ImageSource, Message, ToolResultBlock } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { decodeContentBlock } from './decode-content-block.ts';
import { isRecord } from './wire.ts';

/** Inbound tool names are the client's own: no flattening to undo. */
const asDeclared = (name: string) => ({ name, kind: 'function' as const });

function decodeSource(source: unknown, path: string): ImageSource | undefined {
  if (!isRecord(source)) throw invalidRequest(`${path}.source must be an object.`, `${path}.source`);
  switch (source.type) {
    case 'base64':
      return { kind: 'base64', mediaType: String(source.media_type ?? 'application/octet-stream'), data: String(source.data ?? '') };
    case 'url':
      return { kind: 'url', url: String(source.url ?? '') };
    case 'file':
      return { kind: 'file-id', fileId: String(source.file_id ?? '') };
    case 'text':
      // Plain-text documents travel as base64 text/plain, which the encoder turns back.
      return { kind: 'base64', mediaType: 'text/plain', data: Buffer.from(String(source.data ?? ''), 'utf8').toString('base64') };
    default:
      return undefined;
  }
}

function warnCacheControl(block: Record<string, unknown>, warnings: Warnings): void {
  if (block.cache_control !== undefined && block.type !== 'text') {
    warnings.add('cache_control_dropped', `cache_control on a ${String(block.type)} block has no place in the IR; dropped.`);
  }
}

/** A user-side block: text, image, document; anything else stays opaque for Anthropic. */
function decodeUserBlock(block: Record<string, unknown>, path: string, warnings: Warnings): ContentBlock {
  warnCacheControl(block, warnings);
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') throw invalidRequest(`${path}.text must be a string.`, `${path}.text`);
      return block.cache_control !== undefined ? { type: 'text', text: block.text, cacheControl: block.cache_control } : { type: 'text', text: block.text };
    case 'image': {
      const source = decodeSource(block.source, path);
      if (source) return { type: 'image', source };
      break;
    }
    case 'document': {
      const source = decodeSource(block.source, path);
      if (source === undefined) break;
      if (block.context !== undefined || block.citations !== undefined) {
        warnings.add('field_dropped', 'Document context and citation settings have no portable form; dropped.');
      }
      return typeof block.title === 'string' ? { type: 'file', source, filename: block.title } : { type: 'file', source };
    }
    default:
      break;
  }
  return { type: 'opaque', dialect: 'anthropic-messages', value: block };
}

function decodeToolResult(block: Record<string, unknown>, path: string, toolNamesById: Map<string, string>, warnings: Warnings): ToolResultBlock {
  warnCacheControl(block, warnings);
  if (typeof block.tool_use_id !== 'string') throw invalidRequest(`${path}.tool_use_id must be a string.`, `${path}.tool_use_id`);
  let output: ToolResultBlock['output'] = '';
  if (typeof block.content === 'string') output = block.content;
  else if (Array.isArray(block.content)) {
    output = block.content.map((part, index) =>
      isRecord(part) ? decodeUserBlock(part, `${path}.content[${index}]`, warnings) : { type: 'text' as const, text: String(part) },
    );
  }
  const result: ToolResultBlock = { type: 'tool-result', callId: block.tool_use_id, kind: 'function', output };
  const name = toolNamesById.get(block.tool_use_id);
  if (name !== undefined) result.name = name;
  if (block.is_error === true) result.isError = true;
  return result;
}

function blocksOf(content: unknown, path: string): Record<string, unknown>[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalidRequest(`${path}.content must be a string or an array of blocks.`, `${path}.content`);
  return content.map((block, index) => {
    if (!isRecord(block) || typeof block.type !== 'string')
      throw invalidRequest(`${path}.content[${index}] must be a typed block.`, `${path}.content[${index}]`);
    return block;
  });
}

/** `system` (a string or text blocks) → IR system blocks, keeping cache breakpoints. */
export function decodeSystem(system: unknown, warnings: Warnings): ContentBlock[] {
  if (system === undefined || system === null) return [];
  return blocksOf(system, 'system').map((block, index) => decodeUserBlock(block, `system[${index}]`, warnings));
}

/**
 * Messages → IR messages. A user message's tool_result blocks become `tool` messages (the
 * IR's home for results) and its other blocks a `user` message, in their original order;
 * a `role:"system"` message (newer Claude Code) stays a system message in place.
 */
export function decodeMessages(messages: unknown[], warnings: Warnings): Message[] {
  const decoded: Message[] = [];
  const toolNamesById = new Map<string, string>();
  messages.forEach((message, index) => {
    const path = `messages[${index}]`;
    if (!isRecord(message)) throw invalidRequest(`${path} must be an object.`, path);
    const blocks = blocksOf(message.content, path);
    if (message.role === 'assistant') {
      const content: ContentBlock[] = [];
      for (const block of blocks) {
        const ir = decodeContentBlock(block, asDeclared, warnings);
        if (ir?.type === 'tool-call') toolNamesById.set(ir.callId, ir.name);
        if (ir) content.push(ir);
      }
      decoded.push({ role: 'assistant', content });
      return;
    }
    if (message.role !== 'user' && message.role !== 'system') throw invalidRequest(`${path}.role must be user or assistant.`, `${path}.role`);
    let current: Message | undefined;
    blocks.forEach((block, blockIndex) => {
      const blockPath = `${path}.content[${blockIndex}]`;
      const isResult = block.type === 'tool_result';
      const role = isResult ? 'tool' : (message.role as 'user' | 'system');
      if (current?.role !== role) {
        current = { role, content: [] };
        decoded.push(current);
      }
      current.content.push(isResult ? decodeToolResult(block, blockPath, toolNamesById, warnings) : decodeUserBlock(block, blockPath, warnings));
    });
  });
  return decoded;
}
