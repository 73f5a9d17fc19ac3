import type { ContentBlock, ImageSource, ReasoningBlock, ToolResultBlock } from '../../core/ir/index.ts';
import type { ToolNameMap } from '../../core/tool-names.ts';
import type { Warnings } from '../../core/warnings.ts';
import { toolCallArguments } from '../shared/tool-calls.ts';
import type { ConverseContentBlock, ConverseDocumentBlock, ConverseImageBlock, ConverseToolResultContent } from './wire.ts';

export interface ContentEncoding {
  warnings: Warnings;
  toolNames: ToolNameMap;
  /** Claude behind Converse: its own reasoning (signatures, redacted content) replays. */
  claude: boolean;
  /** Cache points may be placed where the caller marked cache breakpoints. */
  cachePoints: boolean;
  /** Documents named so far (unnamed ones are numbered per request). */
  documents: number;
}

/** Bedrock tool use ids match `^[a-zA-Z0-9_-]+$`, at most 64 characters. */
export function encodeToolUseId(callId: string): string {
  const cleaned = callId.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned.length > 0 ? cleaned : 'tooluse_missing';
}

const imageFormats: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };
const documentFormats: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};
const dataUrlPattern = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/** Converse takes media as bytes (base64 in JSON) or an S3 location, never an http URL or a file id. */
function mediaOf(source: ImageSource): { mediaType: string; bytes: string } | { s3: string } | { refused: string } {
  if (source.kind === 'base64') return { mediaType: source.mediaType, bytes: source.data };
  if (source.kind === 'file-id') return { refused: `a provider file id (${source.fileId})` };
  const dataUrl = dataUrlPattern.exec(source.url);
  if (dataUrl) return { mediaType: dataUrl[1] ?? '', bytes: dataUrl[2] ?? '' };
  if (source.url.startsWith('s3://')) return { s3: source.url };
  return { refused: 'a URL (Converse takes inline bytes or s3:// locations)' };
}

function encodeImage(source: ImageSource, warnings: Warnings): ConverseImageBlock | undefined {
  const media = mediaOf(source);
  if ('refused' in media) {
    warnings.add('content_dropped', `An image given as ${media.refused} cannot be sent to Bedrock Converse; dropped.`);
    return undefined;
  }
  if ('s3' in media) {
    const extension = /\.(png|jpe?g|gif|webp)$/i.exec(media.s3)?.[1]?.toLowerCase().replace('jpg', 'jpeg') ?? 'png';
    return { image: { format: extension, source: { s3Location: { uri: media.s3 } } } };
  }
  const format = imageFormats[media.mediaType.toLowerCase()];
  if (!format) {
    warnings.add('content_dropped', `A ${media.mediaType} image cannot be sent to Bedrock Converse (png, jpeg, gif, webp); dropped.`);
    return undefined;
  }
  return { image: { format, source: { bytes: media.bytes } } };
}

/** Document names: alphanumerics, single spaces, hyphens, parentheses and brackets only. */
function documentName(filename: string | undefined, index: number): string {
  const base = (filename ?? `document-${index}`).replace(/\.[^.]+$/, '');
  const cleaned = base
    .replace(/[^A-Za-z0-9 ()[\]-]/g, '-')
    .replace(/ {2,}/g, ' ')
    .trim();
  return cleaned.length > 0 ? cleaned.slice(0, 200) : `document-${index}`;
}

function encodeDocument(block: { source: ImageSource; filename?: string }, encoding: ContentEncoding): ConverseDocumentBlock | undefined {
  const warnings = encoding.warnings;
  const media = mediaOf(block.source);
  if ('refused' in media || 's3' in media) {
    warnings.add('content_dropped', `A file given as ${'refused' in media ? media.refused : 'an S3 location'} cannot be sent to Bedrock Converse; dropped.`);
    return undefined;
  }
  const format = documentFormats[media.mediaType.toLowerCase()];
  if (!format) {
    warnings.add('content_dropped', `A ${media.mediaType} file cannot be sent to Bedrock Converse; dropped.`);
    return undefined;
  }
  encoding.documents += 1;
  return { document: { format, name: documentName(block.filename, encoding.documents), source: { bytes: media.bytes } } };
}

function encodeReasoning(block: ReasoningBlock, encoding: ContentEncoding): ConverseContentBlock | undefined {
  // Signatures are Claude's; other models' reasoning is display text they do not take back.
  if (!encoding.claude || block.family !== 'anthropic') return undefined;
  if (block.redactedData !== undefined) return { reasoningContent: { redactedContent: block.redactedData } };
  if (block.signature === undefined || block.signature === '') {
    encoding.warnings.add('reasoning_dropped', 'A Claude reasoning block without a signature cannot be replayed; dropped.');
    return undefined;
  }
  const text = block.summary.length > 0 ? block.summary.join('') : (block.text ?? []).join('');
  return { reasoningContent: { reasoningText: { text, signature: block.signature } } };
}

function encodeToolResult(block: ToolResultBlock, encoding: ContentEncoding): ConverseContentBlock {
  const content: ConverseToolResultContent[] = [];
  if (typeof block.output === 'string') {
    if (block.output.trim() !== '') content.push({ text: block.output });
  } else {
    for (const part of block.output) {
      if (part.type === 'text') {
        if (part.text.trim() !== '') content.push({ text: part.text });
      } else if (part.type === 'image') {
        const image = encodeImage(part.source, encoding.warnings);
        if (image) content.push(image);
      } else if (part.type === 'file') {
        const document = encodeDocument(part, encoding);
        if (document) content.push(document);
      } else {
        encoding.warnings.add('content_dropped', `A ${part.type} block inside a tool result cannot be sent to Bedrock Converse; dropped.`);
      }
    }
  }
  // A tool result needs content: an empty output says so in words.
  if (content.length === 0) content.push({ text: '(no output)' });
  return { toolResult: { toolUseId: encodeToolUseId(block.callId), content, status: block.isError ? 'error' : 'success' } };
}

/** One IR block as Converse content blocks (a cache point follows a block the caller marked), or none. */
export function encodeContent(block: ContentBlock, encoding: ContentEncoding): ConverseContentBlock[] {
  switch (block.type) {
    case 'text':
    case 'refusal': {
      if (block.text.trim() === '') return [];
      const marked = block.type === 'text' && block.cacheControl !== undefined && encoding.cachePoints;
      return marked ? [{ text: block.text }, { cachePoint: { type: 'default' } }] : [{ text: block.text }];
    }
    case 'image': {
      const image = encodeImage(block.source, encoding.warnings);
      return image ? [image] : [];
    }
    case 'file': {
      const document = encodeDocument(block, encoding);
      return document ? [document] : [];
    }
    case 'reasoning': {
      const reasoning = encodeReasoning(block, encoding);
      return reasoning ? [reasoning] : [];
    }
    case 'tool-call': {
      let input = toolCallArguments(block);
      if (!input) {
        encoding.warnings.add('tool_arguments_replaced', `The arguments of call ${block.callId} are not a JSON object; replayed as {}.`);
        input = {};
      }
      return [{ toolUse: { toolUseId: encodeToolUseId(block.callId), name: encoding.toolNames.wireName(block.name, block.namespace, block.kind), input } }];
    }
    case 'tool-result':
      return [encodeToolResult(block, encoding)];
    case 'opaque':
      if (block.dialect === 'bedrock-converse' && typeof block.value === 'object' && block.value !== null) return [block.value as ConverseContentBlock];
      encoding.warnings.add('item_dropped', `A ${block.dialect} item has no Bedrock Converse equivalent; dropped.`);
      return [];
  }
}
