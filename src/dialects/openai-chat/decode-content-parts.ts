import { invalidRequest } from '../../core/errors.ts';
import type { ContentBlock, ImageSource, OpaqueBlock } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import type { OpaqueChatPart } from './encode-content.ts';
import { isRecord } from './wire.ts';

/**
 * A Chat client's message content (a string or parts) into IR blocks. Parts the IR does not
 * model (`input_audio`, future types) travel as opaque `{ contentPart }` blocks: a Chat
 * upstream gets them back verbatim, other dialects drop them (with a warning here, since the
 * loss is certain for every upstream but a Chat one).
 */
export function decodeContent(content: unknown, path: string, warnings: Warnings): ContentBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw invalidRequest(`${path} must be a string or an array of content parts.`, path);
  return content.map((part, index) => decodeContentPart(part, `${path}[${index}]`, warnings));
}

function decodeContentPart(part: unknown, path: string, warnings: Warnings): ContentBlock {
  if (!isRecord(part) || typeof part.type !== 'string') throw invalidRequest(`${path} must be an object with a type.`, `${path}.type`);
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalidRequest(`${path}.text must be a string.`, `${path}.text`);
      return { type: 'text', text: part.text };
    case 'refusal':
      if (typeof part.refusal !== 'string') throw invalidRequest(`${path}.refusal must be a string.`, `${path}.refusal`);
      return { type: 'refusal', text: part.refusal };
    case 'image_url': {
      const image = typeof part.image_url === 'string' ? { url: part.image_url } : part.image_url;
      if (!isRecord(image) || typeof image.url !== 'string') throw invalidRequest(`${path}.image_url.url must be a string.`, `${path}.image_url.url`);
      const source = readUrlSource(image.url);
      return typeof image.detail === 'string' ? { type: 'image', source, detail: image.detail } : { type: 'image', source };
    }
    case 'file': {
      const file = part.file;
      if (!isRecord(file)) throw invalidRequest(`${path}.file must be an object.`, `${path}.file`);
      let source: ImageSource;
      if (typeof file.file_data === 'string') source = readUrlSource(file.file_data);
      else if (typeof file.file_id === 'string') source = { kind: 'file-id', fileId: file.file_id };
      else throw invalidRequest(`${path}.file needs file_data or file_id.`, `${path}.file.file_data`);
      return typeof file.filename === 'string' ? { type: 'file', source, filename: file.filename } : { type: 'file', source };
    }
    case 'input_audio':
      warnings.add('content_unsupported', 'Audio input (input_audio) reaches only Chat Completions upstreams; any other upstream drops it.');
      return opaquePart(part);
    default:
      warnings.add('content_unsupported', `The ${part.type} content part reaches only Chat Completions upstreams; any other upstream drops it.`);
      return opaquePart(part);
  }
}

function opaquePart(part: Record<string, unknown>): OpaqueBlock {
  return { type: 'opaque', dialect: 'openai-chat', value: { contentPart: part } satisfies OpaqueChatPart };
}

/** `data:<mime>;base64,<data>` splits into a base64 source (what other dialects need); anything else is a URL. */
function readUrlSource(url: string): ImageSource {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (match && match[1] !== undefined && match[2] !== undefined) return { kind: 'base64', mediaType: match[1], data: match[2] };
  return { kind: 'url', url };
}
