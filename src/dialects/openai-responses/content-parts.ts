import type { ContentBlock, ImageSource, OpaqueBlock, Role } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { invalidRequest } from '../../core/errors.ts';
import { isRecord } from './wire.ts';

/**
 * Message content parts (and rich tool outputs) both ways. A part the IR does not model
 * travels as an opaque block whose value is `{ contentPart: <the part verbatim> }`, so it can
 * be told apart from an opaque *item*, whose value is the item itself (it has a `type`).
 */
export interface OpaqueContentPart {
  contentPart: Record<string, unknown>;
}

export function isOpaqueContentPart(value: unknown): value is OpaqueContentPart {
  return isRecord(value) && value.type === undefined && isRecord(value.contentPart);
}

export function decodeContentPart(part: unknown, path: string): ContentBlock {
  if (!isRecord(part)) throw invalidRequest(`${path} must be an object.`, path);
  const type = part.type;
  if (typeof type !== 'string') throw invalidRequest(`${path}.type must be a string.`, `${path}.type`);
  switch (type) {
    case 'input_text':
    case 'output_text': {
      const text = requireString(part.text, `${path}.text`);
      if (type === 'output_text' && Array.isArray(part.annotations)) return { type: 'text', text, annotations: part.annotations };
      return { type: 'text', text };
    }
    case 'refusal':
      return { type: 'refusal', text: requireString(part.refusal, `${path}.refusal`) };
    case 'input_image': {
      const source = readSource(part.image_url, part.file_id);
      if (!source) throw invalidRequest(`${path} needs an image_url or a file_id.`, `${path}.image_url`);
      return typeof part.detail === 'string' ? { type: 'image', source, detail: part.detail } : { type: 'image', source };
    }
    case 'input_file': {
      const source = readSource(part.file_data ?? part.file_url, part.file_id);
      if (!source) throw invalidRequest(`${path} needs file_data, file_url or a file_id.`, `${path}.file_data`);
      // file_data and file_url are told apart again on the way out by the source kind.
      if (source.kind === 'url' && typeof part.file_data === 'string') return opaquePart(part);
      return typeof part.filename === 'string' ? { type: 'file', source, filename: part.filename } : { type: 'file', source };
    }
    default:
      return opaquePart(part);
  }
}

/**
 * The Responses part for a block, or undefined when the block cannot be a content part here
 * (tool calls, reasoning… are items, not parts; other dialects' opaque data is dropped).
 */
export function encodeContentPart(block: ContentBlock, role: Role, warnings: Warnings): Record<string, unknown> | undefined {
  switch (block.type) {
    case 'text':
      if (role === 'assistant') {
        return block.annotations ? { type: 'output_text', text: block.text, annotations: block.annotations } : { type: 'output_text', text: block.text };
      }
      return { type: 'input_text', text: block.text };
    case 'refusal':
      return { type: 'refusal', refusal: block.text };
    case 'image': {
      const part: Record<string, unknown> = { type: 'input_image' };
      if (block.source.kind === 'file-id') part.file_id = block.source.fileId;
      else part.image_url = sourceUrl(block.source);
      if (block.detail !== undefined) part.detail = block.detail;
      return part;
    }
    case 'file': {
      const part: Record<string, unknown> = { type: 'input_file' };
      if (block.source.kind === 'file-id') part.file_id = block.source.fileId;
      else if (block.source.kind === 'base64') part.file_data = sourceUrl(block.source);
      else part.file_url = block.source.url;
      if (block.filename !== undefined) part.filename = block.filename;
      return part;
    }
    case 'opaque':
      if (block.dialect === 'openai-responses' && isOpaqueContentPart(block.value)) return block.value.contentPart;
      warnings.add('content_dropped', `A ${block.dialect} content part has no OpenAI Responses equivalent and was dropped.`);
      return undefined;
    default:
      return undefined;
  }
}

function opaquePart(part: Record<string, unknown>): OpaqueBlock {
  return { type: 'opaque', dialect: 'openai-responses', value: { contentPart: part } satisfies OpaqueContentPart };
}

function readSource(url: unknown, fileId: unknown): ImageSource | undefined {
  if (typeof url === 'string') {
    const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
    if (match && match[1] !== undefined && match[2] !== undefined) return { kind: 'base64', mediaType: match[1], data: match[2] };
    return { kind: 'url', url };
  }
  if (typeof fileId === 'string') return { kind: 'file-id', fileId };
  return undefined;
}

function sourceUrl(source: Exclude<ImageSource, { kind: 'file-id' }>): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidRequest(`${path} must be a string.`, path);
  return value;
}
