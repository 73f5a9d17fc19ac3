import { createHash } from 'node:crypto';
import type { ExchangeContext } from '../../core/dialect.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ContentBlock, FileBlock, ImageBlock, ImageSource, ToolCallBlock, ToolResultBlock } from '../../core/ir/index.ts';
import { nativeCustomTools } from './encode-tools.ts';
import { isRecord, type ChatContentPart, type ChatToolCall } from './wire.ts';

/**
 * Content parts, tool calls and tool results for a Chat upstream, one block at a time.
 * Opaque parts of this dialect (what a Chat client sent that the IR does not model, e.g.
 * `input_audio`) travel as `{ contentPart }` and are put back verbatim.
 */
export interface OpaqueChatPart {
  contentPart: Record<string, unknown>;
}

export function isOpaqueChatPart(value: unknown): value is OpaqueChatPart {
  return isRecord(value) && isRecord(value.contentPart) && typeof value.contentPart.type === 'string';
}

/** A text-only target (`images: false` quirk) gets a clear 400 naming the gap, not a provider 500. */
export function assertImagesAccepted(context: ExchangeContext): void {
  if (context.target.quirks?.images !== false) return;
  throw new GatewayError({
    code: 'caller_unsupported',
    message: `Model ${context.target.model} does not accept images; remove the image input or choose a model with vision.`,
    param: 'messages',
  });
}

export function encodeImagePart(block: ImageBlock, context: ExchangeContext): ChatContentPart {
  assertImagesAccepted(context);
  const imageUrl: { url: string; detail?: string } = { url: sourceUrl(block.source, 'image') };
  if (block.detail !== undefined) imageUrl.detail = block.detail;
  return { type: 'image_url', image_url: imageUrl };
}

/**
 * OpenAI takes `file` parts (PDFs); compatible servers generally do not (opt in with the
 * `files: true` quirk). For those, a text file is inlined as text and anything else dropped.
 */
export function encodeFilePart(block: FileBlock, context: ExchangeContext): ChatContentPart | undefined {
  const source = block.source;
  if (context.target.family === 'openai' || context.target.quirks?.files === true) {
    if (source.kind === 'file-id') return { type: 'file', file: { file_id: source.fileId, ...(block.filename ? { filename: block.filename } : {}) } };
    if (source.kind === 'base64')
      return { type: 'file', file: { file_data: sourceUrl(source, 'file'), ...(block.filename ? { filename: block.filename } : {}) } };
    context.warnings.add('content_dropped', `A file given by URL (${block.filename ?? source.url}) cannot be sent as a Chat Completions file part; dropped.`);
    return undefined;
  }
  if (source.kind === 'base64' && source.mediaType.startsWith('text/')) {
    const text = Buffer.from(source.data, 'base64').toString('utf8');
    return { type: 'text', text: block.filename ? `<file name="${block.filename}">\n${text}\n</file>` : text };
  }
  context.warnings.add(
    'content_dropped',
    `A ${source.kind === 'base64' ? source.mediaType : 'non-inline'} file cannot be sent to ${context.target.model} (no file input); dropped.`,
  );
  return undefined;
}

/** The part for a user-side block, or undefined when Chat has no place for it. */
export function encodeUserPart(block: ContentBlock, context: ExchangeContext): ChatContentPart | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'refusal':
      return { type: 'text', text: block.text };
    case 'image':
      return encodeImagePart(block, context);
    case 'file':
      return encodeFilePart(block, context);
    case 'opaque':
      if (block.dialect === 'openai-chat' && isOpaqueChatPart(block.value)) return block.value.contentPart as ChatContentPart;
      return undefined;
    default:
      return undefined;
  }
}

/** A user message's content: a plain string when it is only text (every server accepts that). */
export function userContent(parts: ChatContentPart[]): string | ChatContentPart[] {
  if (parts.every((part) => part.type === 'text')) return parts.map((part) => (part as { text: string }).text).join('\n\n');
  return parts;
}

/** A replayed call. Freeform calls carry `{"input": raw}`, the shape their wrapped tool declares. */
export function encodeToolCall(block: ToolCallBlock, context: ExchangeContext): ChatToolCall {
  const id = encodeCallId(block.callId, context);
  const name = context.toolNames.wireName(block.name, block.namespace, block.kind);
  if (block.kind === 'custom') {
    if (nativeCustomTools(context)) return { id, type: 'custom', custom: { name, input: block.input } };
    return { id, type: 'function', function: { name, arguments: JSON.stringify({ input: block.input }) } };
  }
  return { id, type: 'function', function: { name, arguments: encodeArguments(block, context) } };
}

/**
 * vLLM and Ollama parse replayed arguments into an object for the chat template and reject
 * what does not parse; OpenAI takes the string as is. Empty arguments are `{}` everywhere.
 */
function encodeArguments(block: ToolCallBlock, context: ExchangeContext): string {
  if (block.input.trim() === '') return '{}';
  if (context.target.family === 'openai') return block.input;
  try {
    const parsed: unknown = JSON.parse(block.input);
    if (isRecord(parsed)) return block.input;
  } catch {
    // Falls through: a cut-off argument string.
  }
  context.warnings.add('tool_arguments_replaced', `The arguments of call ${block.callId} are not a JSON object; replayed as {}.`);
  return '{}';
}

/**
 * Tool-call ids as the target accepts them. Mistral wants exactly nine letters and digits
 * (`tool_call_id_length: 9` quirk): other ids are replaced by a stable hash, so a call and
 * its result still match.
 */
export function encodeCallId(callId: string, context: ExchangeContext): string {
  const length = context.target.quirks?.tool_call_id_length;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1) return callId;
  if (callId.length === length && /^[a-zA-Z0-9]+$/.test(callId)) return callId;
  const digest = createHash('sha256')
    .update(callId)
    .digest('base64')
    .replace(/[^a-zA-Z0-9]/g, '');
  return digest.slice(0, length).padEnd(length, '0');
}

/** A tool result's text, and the images Chat cannot put in a `tool` message. */
export interface EncodedToolResult {
  content: string;
  images: ChatContentPart[];
}

export function encodeToolResult(block: ToolResultBlock, context: ExchangeContext): EncodedToolResult {
  const prefix = block.isError ? 'Error: ' : '';
  if (typeof block.output === 'string') return { content: prefix + block.output, images: [] };
  const texts: string[] = [];
  const images: ChatContentPart[] = [];
  for (const part of block.output) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'image') images.push(encodeImagePart(part, context));
    else if (part.type === 'file') {
      const file = encodeFilePart(part, context);
      if (file?.type === 'text') texts.push((file as { text: string }).text);
      else if (file) images.push(file);
    } else context.warnings.add('content_dropped', `A ${part.type} block inside a tool result cannot be sent to Chat Completions; dropped.`);
  }
  if (images.length > 0) {
    context.warnings.add(
      'tool_result_images_moved',
      'Chat tool messages hold text only: the images of a tool result were sent in a user message right after the tool messages.',
    );
    if (texts.length === 0) texts.push('The tool returned images; they follow in the next user message.');
  }
  return { content: prefix + texts.join('\n\n'), images };
}

function sourceUrl(source: ImageSource, what: string): string {
  switch (source.kind) {
    case 'url':
      return source.url;
    case 'base64':
      return `data:${source.mediaType};base64,${source.data}`;
    case 'file-id':
      throw new GatewayError({
        code: 'caller_unsupported',
        message: `A provider file id (${source.fileId}) cannot be sent to Chat Completions as an ${what}; send the ${what} inline or as a URL.`,
      });
  }
}
