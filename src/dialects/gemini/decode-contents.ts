import { invalidRequest } from '../../core/errors.ts';
import type { ContentBlock, ImageSource, Message, ToolResultBlock } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { synthesizeCallId } from './call-id.ts';
import { isRecord } from './wire.ts';
import { looksSealed } from '../shared/sealed-envelope.ts';
import { unsealReasoning } from '../shared/carried-reasoning.ts';

/** A call of the latest model content still waiting for its response. */
interface PendingCall {
  callId: string;
  name: string;
  /** Whether the client gave the id (then responses match by id only). */
  given: boolean;
}

function signatureOf(part: Record<string, unknown>): string | undefined {
  return typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '' ? part.thoughtSignature : undefined;
}

/** `inlineData` / `fileData` → an image block (image/*) or a file block. */
function decodeMedia(part: Record<string, unknown>): ContentBlock | undefined {
  let source: ImageSource | undefined;
  let mimeType = '';
  if (isRecord(part.inlineData) && typeof part.inlineData.data === 'string') {
    mimeType = typeof part.inlineData.mimeType === 'string' ? part.inlineData.mimeType : 'application/octet-stream';
    source = { kind: 'base64', mediaType: mimeType, data: part.inlineData.data };
  } else if (isRecord(part.fileData) && typeof part.fileData.fileUri === 'string') {
    mimeType = typeof part.fileData.mimeType === 'string' ? part.fileData.mimeType : '';
    source = { kind: 'url', url: part.fileData.fileUri };
  }
  if (source === undefined) return undefined;
  return mimeType.startsWith('image/') ? { type: 'image', source } : { type: 'file', source };
}

/**
 * A function response → a tool result. `{output: text}` and `{error: text}` (the documented
 * convention) become the text itself; any other object is passed on as JSON text.
 */
function decodeResult(response: Record<string, unknown>, callId: string, warnings: Warnings): ToolResultBlock {
  const body = isRecord(response.response) ? response.response : {};
  const keys = Object.keys(body);
  let output: string;
  let isError = false;
  if (keys.length === 1 && typeof body.output === 'string') output = body.output;
  else if (keys.length === 1 && typeof body.error === 'string') {
    output = body.error;
    isError = true;
  } else output = JSON.stringify(body);
  const result: ToolResultBlock = { type: 'tool-result', callId, kind: 'function', name: String(response.name ?? ''), output };
  if (isError) result.isError = true;
  if (Array.isArray(response.parts) && response.parts.length > 0) {
    const media = response.parts
      .filter(isRecord)
      .map(decodeMedia)
      .filter((block): block is ContentBlock => block !== undefined);
    if (media.length < response.parts.length) warnings.add('content_dropped', 'A functionResponse part that is not media was dropped.');
    result.output = [{ type: 'text', text: output }, ...media];
  }
  return result;
}

/** `systemInstruction` (a Content, or a bare string from lenient clients) → IR system blocks. */
export function decodeSystemInstruction(value: unknown): ContentBlock[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!isRecord(value) || !Array.isArray(value.parts)) throw invalidRequest('systemInstruction must be a Content with parts.', 'systemInstruction');
  return value.parts
    .filter(isRecord)
    .map(
      (part): ContentBlock =>
        typeof part.text === 'string' ? { type: 'text', text: part.text } : (decodeMedia(part) ?? { type: 'opaque', dialect: 'gemini', value: part }),
    );
}

/**
 * Gemini `contents` → IR messages. Model contents become assistant messages (thought parts →
 * gemini reasoning blocks, signatures kept on their blocks, calls → tool-call blocks); user
 * contents become user messages, with their `functionResponse` parts split into `tool`
 * messages in place. Calls without an id get one, and responses are matched to the calls of the
 * model content before them by id, else by name in order.
 */
export function decodeContents(contents: unknown[], warnings: Warnings): Message[] {
  const messages: Message[] = [];
  let pending: PendingCall[] = [];
  contents.forEach((content, index) => {
    const path = `contents[${index}]`;
    if (!isRecord(content)) throw invalidRequest(`${path} must be an object.`, path);
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model')
      throw invalidRequest(`${path}.role must be user or model.`, `${path}.role`);
    if (!Array.isArray(content.parts)) throw invalidRequest(`${path}.parts must be an array.`, `${path}.parts`);
    const parts = content.parts.map((part, position) => {
      if (!isRecord(part)) throw invalidRequest(`${path}.parts[${position}] must be an object.`, `${path}.parts[${position}]`);
      return part;
    });
    if (content.role === 'model') {
      pending = [];
      messages.push({ role: 'assistant', content: parts.flatMap((part) => decodeModelPart(part, pending, warnings)) });
      return;
    }
    let current: Message | undefined;
    for (const part of parts) {
      const isResult = isRecord(part.functionResponse);
      const role = isResult ? 'tool' : 'user';
      if (current?.role !== role) {
        current = { role, content: [] };
        messages.push(current);
      }
      if (isResult) {
        const response = part.functionResponse as Record<string, unknown>;
        current.content.push(decodeResult(response, matchCall(response, pending), warnings));
        continue;
      }
      if (typeof part.text === 'string') current.content.push({ type: 'text', text: part.text });
      else current.content.push(decodeMedia(part) ?? { type: 'opaque', dialect: 'gemini', value: part });
    }
  });
  return messages;
}

/**
 * A model part's blocks: the part itself, preceded by the reasoning the gateway sealed into its
 * `thoughtSignature` (another family's thinking, carried through a Gemini client that keeps
 * only non-thought parts and their signatures). An envelope this gateway cannot open is dropped.
 */
function decodeModelPart(part: Record<string, unknown>, pending: PendingCall[], warnings: Warnings): ContentBlock[] {
  const signature = signatureOf(part);
  if (signature === undefined || !looksSealed(signature)) return [decodeSignedPart(part, signature, pending)];
  const carried = unsealReasoning(signature);
  if (carried === undefined) {
    warnings.add('reasoning_dropped', 'A thoughtSignature carried a gateway envelope this gateway cannot open (another secret or a restart); dropped.');
  }
  return [...(carried ?? []), decodeSignedPart(part, undefined, pending)];
}

function decodeSignedPart(part: Record<string, unknown>, signature: string | undefined, pending: PendingCall[]): ContentBlock {
  if (isRecord(part.functionCall)) {
    const call = part.functionCall;
    const given = typeof call.id === 'string' && call.id !== '';
    const callId = given ? (call.id as string) : synthesizeCallId();
    const name = typeof call.name === 'string' ? call.name : '';
    pending.push({ callId, name, given });
    const block: ContentBlock = { type: 'tool-call', callId, name, kind: 'function', input: JSON.stringify(isRecord(call.args) ? call.args : {}) };
    if (signature !== undefined) block.signature = { family: 'gemini', value: signature };
    return block;
  }
  if (typeof part.text === 'string' && part.thought === true) {
    const block: ContentBlock = { type: 'reasoning', family: 'gemini', summary: part.text === '' ? [] : [part.text] };
    if (signature !== undefined) block.signature = signature;
    return block;
  }
  if (typeof part.text === 'string') {
    const block: ContentBlock = { type: 'text', text: part.text };
    if (signature !== undefined) block.signature = { family: 'gemini', value: signature };
    return block;
  }
  return { type: 'opaque', dialect: 'gemini', value: part };
}

/** The call a response answers: by id, else the first waiting call of that name, else a new id. */
function matchCall(response: Record<string, unknown>, pending: PendingCall[]): string {
  const id = typeof response.id === 'string' && response.id !== '' ? response.id : undefined;
  let position = id !== undefined ? pending.findIndex((call) => call.callId === id) : -1;
  if (position === -1) position = pending.findIndex((call) => !call.given && call.name === response.name);
  if (position === -1 && id === undefined) position = pending.findIndex((call) => call.name === response.name);
  if (position === -1) return id ?? synthesizeCallId();
  const [call] = pending.splice(position, 1);
  return (call as PendingCall).callId;
}
