import type { ContentBlock, Message, ReasoningBlock, ToolCallBlock, ToolResultBlock } from '../../core/ir/index.ts';
import { invalidRequest } from '../../core/errors.ts';
import { decodeContentPart, requireString } from './content-parts.ts';
import { decodeReasoningEnvelope, type ReasoningEnvelope } from './reasoning-envelope.ts';
import { CARRIER_MARK, CONTENT_STRING_MARK, INPUT_STRING_MARK, isModelProducedItemType, isRecord } from './wire.ts';

const MESSAGE_ROLES = new Set(['system', 'developer', 'user', 'assistant']);

/** Envelope signatures waiting to be re-attached once every item is decoded. */
interface PendingSignatures {
  messageIndex: number;
  envelope: ReasoningEnvelope;
}

/**
 * Decodes `input` into messages, one message per item so that a same-dialect round trip can
 * rebuild every item exactly. Fields an item has beyond what the IR models stay in
 * `Message.extra` (for message items including their `type`, whose absence marks the short form).
 */
export function decodeInputItems(input: unknown): Message[] {
  if (typeof input === 'string') {
    return [{ role: 'user', content: [{ type: 'text', text: input }], extra: { [INPUT_STRING_MARK]: true } }];
  }
  if (!Array.isArray(input)) throw invalidRequest('input must be a string or an array of items.', 'input');
  const messages: Message[] = [];
  const pending: PendingSignatures[] = [];
  input.forEach((item, index) => {
    const path = `input[${index}]`;
    if (!isRecord(item)) throw invalidRequest(`${path} must be an object.`, path);
    const message = decodeItem(item, path, (envelope) => pending.push({ messageIndex: messages.length, envelope }));
    messages.push(message);
  });
  for (const entry of pending) attachPartSignatures(messages, entry);
  nameToolResults(messages);
  // A carrier item that only held part signatures has nothing left to say on its own.
  return messages.filter((message) => message.content.length > 0 || !isCarrierOnly(message));
}

function decodeItem(item: Record<string, unknown>, path: string, onEnvelope: (envelope: ReasoningEnvelope) => void): Message {
  const type = item.type;
  if (type === undefined || type === 'message') return decodeMessageItem(item, path);
  if (typeof type !== 'string') throw invalidRequest(`${path}.type must be a string.`, `${path}.type`);
  switch (type) {
    case 'function_call':
    case 'custom_tool_call':
      return decodeToolCallItem(item, type, path);
    case 'function_call_output':
    case 'custom_tool_call_output':
      return decodeToolOutputItem(item, type, path);
    case 'reasoning':
      return decodeReasoningItem(item, path, onEnvelope);
    default:
      // Verbatim, for the same dialect only (web_search_call, tool_search_*, additional_tools…).
      return { role: isModelProducedItemType(type) ? 'assistant' : 'user', content: [{ type: 'opaque', dialect: 'openai-responses', value: item }] };
  }
}

function decodeMessageItem(item: Record<string, unknown>, path: string): Message {
  const { role, content, id, ...rest } = item;
  if (typeof role !== 'string' || !MESSAGE_ROLES.has(role)) {
    throw invalidRequest(`${path}.role must be one of system, developer, user, assistant.`, `${path}.role`);
  }
  const extra: Record<string, unknown> = { ...rest };
  let blocks: ContentBlock[];
  if (typeof content === 'string') {
    blocks = [{ type: 'text', text: content }];
    extra[CONTENT_STRING_MARK] = true;
  } else if (Array.isArray(content)) {
    blocks = content.map((part, index) => decodeContentPart(part, `${path}.content[${index}]`));
  } else {
    throw invalidRequest(`${path}.content must be a string or an array of content parts.`, `${path}.content`);
  }
  const message: Message = { role: role as Message['role'], content: blocks, extra };
  if (id !== undefined) message.id = requireString(id, `${path}.id`);
  return message;
}

function decodeToolCallItem(item: Record<string, unknown>, type: 'function_call' | 'custom_tool_call', path: string): Message {
  const inputKey = type === 'function_call' ? 'arguments' : 'input';
  const { type: _type, call_id, name, namespace, id, status, [inputKey]: input, ...rest } = item;
  const block: ToolCallBlock = {
    type: 'tool-call',
    callId: requireNonEmpty(call_id, `${path}.call_id`),
    name: requireNonEmpty(name, `${path}.name`),
    kind: type === 'function_call' ? 'function' : 'custom',
    input: requireString(input, `${path}.${inputKey}`),
  };
  if (id !== undefined) block.itemId = requireString(id, `${path}.id`);
  if (namespace !== undefined) block.namespace = requireString(namespace, `${path}.namespace`);
  if (status !== undefined) block.status = requireString(status, `${path}.status`);
  return withExtra({ role: 'assistant', content: [block] }, rest);
}

function decodeToolOutputItem(item: Record<string, unknown>, type: 'function_call_output' | 'custom_tool_call_output', path: string): Message {
  const { type: _type, call_id, output, id, status, namespace, ...rest } = item;
  let decodedOutput: ToolResultBlock['output'];
  if (typeof output === 'string') decodedOutput = output;
  else if (Array.isArray(output)) decodedOutput = output.map((part, index) => decodeContentPart(part, `${path}.output[${index}]`));
  else throw invalidRequest(`${path}.output must be a string or an array of content parts.`, `${path}.output`);
  const block: ToolResultBlock = {
    type: 'tool-result',
    callId: requireNonEmpty(call_id, `${path}.call_id`),
    kind: type === 'function_call_output' ? 'function' : 'custom',
    output: decodedOutput,
  };
  if (id !== undefined) block.itemId = requireString(id, `${path}.id`);
  if (status !== undefined) block.status = requireString(status, `${path}.status`);
  if (namespace !== undefined) block.namespace = requireString(namespace, `${path}.namespace`);
  return withExtra({ role: 'tool', content: [block] }, rest);
}

function decodeReasoningItem(item: Record<string, unknown>, path: string, onEnvelope: (envelope: ReasoningEnvelope) => void): Message {
  const { type: _type, id, summary, content, encrypted_content, ...rest } = item;
  if (!Array.isArray(summary)) throw invalidRequest(`${path}.summary must be an array.`, `${path}.summary`);
  const summaryTexts = summary.map((part, index) => readTypedText(part, 'summary_text', `${path}.summary[${index}]`));
  const itemId = id === undefined ? undefined : requireString(id, `${path}.id`);
  if (typeof encrypted_content === 'string') {
    const envelope = decodeReasoningEnvelope(encrypted_content);
    if (envelope) {
      onEnvelope(envelope);
      const blocks = (envelope.blocks ?? []).map((entry): ReasoningBlock => {
        const block: ReasoningBlock = { type: 'reasoning', family: envelope.family, summary: entry.thinking === undefined ? [] : [entry.thinking] };
        if (itemId !== undefined) block.itemId = itemId;
        if (entry.signature !== undefined) block.signature = entry.signature;
        if (entry.redactedData !== undefined) block.redactedData = entry.redactedData;
        return block;
      });
      return { role: 'assistant', content: blocks, extra: { ...rest, [CARRIER_MARK]: true } };
    }
  }
  const block: ReasoningBlock = { type: 'reasoning', family: 'openai', summary: summaryTexts };
  if (itemId !== undefined) block.itemId = itemId;
  if (Array.isArray(content)) block.text = content.map((part, index) => readTypedText(part, 'reasoning_text', `${path}.content[${index}]`));
  else if (content !== undefined) rest.content = content;
  if (typeof encrypted_content === 'string') block.encryptedContent = encrypted_content;
  else if (encrypted_content !== undefined) rest.encrypted_content = encrypted_content;
  return withExtra({ role: 'assistant', content: [block] }, rest);
}

/** Re-attaches Gemini part signatures: by call id anywhere, or to the adjacent text block. */
function attachPartSignatures(messages: Message[], { messageIndex, envelope }: PendingSignatures): void {
  for (const entry of envelope.partSignatures ?? []) {
    const signature = { family: envelope.family, value: entry.value };
    if (entry.callId !== undefined) {
      for (const message of messages) {
        for (const block of message.content) {
          if (block.type === 'tool-call' && block.callId === entry.callId) block.signature = signature;
        }
      }
      continue;
    }
    const step = entry.preceding ? -1 : 1;
    for (let index = messageIndex + step; index >= 0 && index < messages.length; index += step) {
      const message = messages[index];
      if (!message || message.role !== 'assistant') break;
      const text = message.content.find((block) => block.type === 'text' && block.signature === undefined);
      if (text && text.type === 'text') {
        text.signature = signature;
        break;
      }
    }
  }
}

/**
 * Responses outputs do not repeat the tool name, but Gemini's `functionResponse` needs it:
 * take it from the call with the same id. (Only the IR field; the wire item stays as sent.)
 */
function nameToolResults(messages: Message[]): void {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const block of message.content) {
      if (block.type === 'tool-call') names.set(block.callId, block.name);
      else if (block.type === 'tool-result' && block.name === undefined) {
        const name = names.get(block.callId);
        if (name !== undefined) block.name = name;
      }
    }
  }
}

function isCarrierOnly(message: Message): boolean {
  return message.extra?.[CARRIER_MARK] === true;
}

function readTypedText(part: unknown, type: string, path: string): string {
  if (!isRecord(part) || part.type !== type) throw invalidRequest(`${path} must be a ${type} part.`, `${path}.type`);
  return requireString(part.text, `${path}.text`);
}

function requireNonEmpty(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidRequest(`${path} must be a non-empty string.`, path);
  return value;
}

function withExtra(message: Message, rest: Record<string, unknown>): Message {
  if (Object.keys(rest).length > 0) message.extra = rest;
  return message;
}
