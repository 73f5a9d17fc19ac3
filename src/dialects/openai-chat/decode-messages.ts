import { unsealCallId } from '../shared/carried-reasoning.ts';
import { invalidRequest } from '../../core/errors.ts';
import type { ContentBlock, Message, ToolCallBlock, ToolKind } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { decodeContent } from './decode-content-parts.ts';
import { isRecord } from './wire.ts';

/** Message fields the IR models; every other field stays in `Message.extra` for a Chat upstream. */
const MODELLED = new Set(['role', 'content', 'tool_calls', 'tool_call_id', 'refusal', 'reasoning_content', 'function_call']);

/** What the decoder remembers about calls, to name and type their results. */
interface CallLedger {
  byId: Map<string, { name: string; kind: ToolKind }>;
  /** Legacy `function_call`s have no id: results match them in order. */
  legacyOpen: string[];
  legacyCount: number;
}

/**
 * `messages[]` into IR messages, one per Chat message, in order. System and developer
 * messages stay inline (the Chat wire has no separate instructions). Legacy `function_call` /
 * `role: "function"` pairs get synthesized call ids, matched in order.
 */
export function decodeMessages(messages: unknown, warnings: Warnings): Message[] {
  if (!Array.isArray(messages)) throw invalidRequest('messages must be an array.', 'messages');
  if (messages.length === 0) throw invalidRequest('messages must contain at least one message.', 'messages');
  const ledger: CallLedger = { byId: new Map(), legacyOpen: [], legacyCount: 0 };
  return messages.map((message, index) => decodeMessage(message, `messages[${index}]`, ledger, warnings));
}

function decodeMessage(message: unknown, path: string, ledger: CallLedger, warnings: Warnings): Message {
  if (!isRecord(message)) throw invalidRequest(`${path} must be an object.`, path);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) if (!MODELLED.has(key)) extra[key] = value;
  // A legacy function result's `name` is the call's name (the IR holds it); `tool` messages have none.
  if (message.role === 'function') delete extra.name;
  const decoded = decodeByRole(message, path, ledger, warnings);
  if (Object.keys(extra).length > 0) decoded.extra = extra;
  return decoded;
}

function decodeByRole(message: Record<string, unknown>, path: string, ledger: CallLedger, warnings: Warnings): Message {
  switch (message.role) {
    case 'system':
    case 'developer':
    case 'user':
      return { role: message.role, content: decodeContent(message.content, `${path}.content`, warnings) };
    case 'assistant':
      return { role: 'assistant', content: decodeAssistant(message, path, ledger, warnings) };
    case 'tool': {
      const wireId = message.tool_call_id;
      if (typeof wireId !== 'string' || wireId.length === 0) throw invalidRequest(`${path}.tool_call_id must be a non-empty string.`, `${path}.tool_call_id`);
      const callId = unsealCallId(wireId)?.callId ?? wireId;
      return { role: 'tool', content: [toolResult(callId, message.content, `${path}.content`, ledger, warnings)] };
    }
    case 'function': {
      // Legacy: the oldest open function_call is the one answered.
      const callId = ledger.legacyOpen.shift() ?? `call_legacy_${ledger.legacyCount++}`;
      return { role: 'tool', content: [toolResult(callId, message.content, `${path}.content`, ledger, warnings)] };
    }
    default:
      throw invalidRequest(`${path}.role must be one of system, developer, user, assistant, tool, function.`, `${path}.role`);
  }
}

function decodeAssistant(message: Record<string, unknown>, path: string, ledger: CallLedger, warnings: Warnings): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  // DeepSeek-style clients send the model's reasoning back inside a tool loop.
  if (typeof message.reasoning_content === 'string' && message.reasoning_content !== '') {
    blocks.push({ type: 'reasoning', family: 'openai-compatible', summary: [message.reasoning_content] });
  }
  blocks.push(...decodeContent(message.content, `${path}.content`, warnings));
  if (typeof message.refusal === 'string' && message.refusal !== '') blocks.push({ type: 'refusal', text: message.refusal });
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    if (!Array.isArray(message.tool_calls)) throw invalidRequest(`${path}.tool_calls must be an array.`, `${path}.tool_calls`);
    message.tool_calls.forEach((call, index) => blocks.push(decodeToolCall(call, `${path}.tool_calls[${index}]`, ledger)));
  }
  if (isRecord(message.function_call)) {
    const callId = `call_legacy_${ledger.legacyCount++}`;
    ledger.legacyOpen.push(callId);
    const name = requireName(message.function_call.name, `${path}.function_call.name`);
    ledger.byId.set(callId, { name, kind: 'function' });
    blocks.push({ type: 'tool-call', callId, name, kind: 'function', input: stringArguments(message.function_call.arguments) });
  }
  return blocks;
}

function decodeToolCall(call: unknown, path: string, ledger: CallLedger): ToolCallBlock {
  if (!isRecord(call)) throw invalidRequest(`${path} must be an object.`, path);
  if (typeof call.id !== 'string' || call.id.length === 0) throw invalidRequest(`${path}.id must be a non-empty string.`, `${path}.id`);
  // A sealed id (clientCallId) gives back the call's own id and the Gemini signature it carried.
  const carried = unsealCallId(call.id);
  const callId = carried?.callId ?? call.id;
  let block: ToolCallBlock;
  if (call.type === 'custom') {
    if (!isRecord(call.custom)) throw invalidRequest(`${path}.custom must be an object.`, `${path}.custom`);
    const input = call.custom.input;
    if (typeof input !== 'string') throw invalidRequest(`${path}.custom.input must be a string.`, `${path}.custom.input`);
    block = { type: 'tool-call', callId, name: requireName(call.custom.name, `${path}.custom.name`), kind: 'custom', input };
  } else {
    if (!isRecord(call.function)) throw invalidRequest(`${path}.function must be an object.`, `${path}.function`);
    block = {
      type: 'tool-call',
      callId,
      name: requireName(call.function.name, `${path}.function.name`),
      kind: 'function',
      input: stringArguments(call.function.arguments),
    };
  }
  if (carried) block.signature = carried.signature;
  ledger.byId.set(block.callId, { name: block.name, kind: block.kind });
  return block;
}

function toolResult(callId: string, content: unknown, path: string, ledger: CallLedger, warnings: Warnings): ContentBlock {
  const call = ledger.byId.get(callId);
  const output = typeof content === 'string' ? content : decodeContent(content, path, warnings);
  const block: ContentBlock = { type: 'tool-result', callId, kind: call?.kind ?? 'function', output };
  if (call) block.name = call.name;
  return block;
}

function requireName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidRequest(`${path} must be a non-empty string.`, path);
  return value;
}

/** Arguments are a JSON string on the wire; a lenient client may send the object. */
function stringArguments(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
