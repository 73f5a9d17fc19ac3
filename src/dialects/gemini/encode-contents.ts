import type { ExchangeContext } from '../../core/dialect.ts';
import { invalidRequest } from '../../core/errors.ts';
import type { ContentBlock, Message, ToolCallBlock, ToolDefinition, ToolResultBlock } from '../../core/ir/index.ts';
import { isSynthesizedCallId } from './call-id.ts';
import { decodeResponsesToolItem } from '../shared/decode-responses-tool-items.ts';
import { encodeMedia } from './encode-media.ts';
import { geminiToolName } from './gemini-tool-name.ts';
import { geminiModelProfile } from './model-profile.ts';
import type { GeminiContent, GeminiPart } from './wire.ts';
import { opaqueTypeOf } from '../shared/tool-descriptions.ts';
import { toolCallArguments } from '../shared/tool-calls.ts';

/**
 * Google's documented value for a function call whose signature was not made by Gemini
 * (history from another provider): Gemini 3 skips validating it (Google's documented bypass value).
 */
export const dummyThoughtSignature = 'skip_thought_signature_validator';

type Role = 'user' | 'model';

/** A part plus the call id it answers or makes, so results can be ordered after their calls. */
interface TurnPart {
  part: GeminiPart;
  call?: string;
  result?: string;
}

interface Turn {
  role: Role;
  parts: TurnPart[];
}

export interface EncodedContents {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
  /** Tools declared by opaque Responses items in the history (`additional_tools`, …). */
  extraTools: ToolDefinition[];
}

function roleOf(block: ContentBlock, message: Message): Role {
  if (block.type === 'tool-call' || block.type === 'reasoning') return 'model';
  if (block.type === 'tool-result') return 'user';
  return message.role === 'assistant' ? 'model' : 'user';
}

/**
 * IR system + messages → `systemInstruction` and `contents`:
 * all system/developer text is hoisted in order; consecutive same-role blocks share one content;
 * tool calls are `functionCall` parts (with their Gemini `thoughtSignature`, or the documented
 * dummy on the first call of a model turn that has none); results are `functionResponse` parts
 * named like their call, placed first in the next user content in call order.
 */
export function encodeContents(context: ExchangeContext): EncodedContents {
  const { request, warnings } = context;
  const system: string[] = [];
  const turns: Turn[] = [];
  const extraTools: ToolDefinition[] = [];
  /** Gemini name of each call seen so far, by call id (results must carry it). */
  const callNames = new Map<string, string>();

  const takeOpaque = (value: unknown): void => {
    const tools = decodeResponsesToolItem(value, warnings);
    if (tools) extraTools.push(...tools);
    else warnings.add('item_dropped', `The ${opaqueTypeOf(value)} item has no Gemini equivalent; dropped.`);
  };
  const hoist = (block: ContentBlock, where: string): void => {
    if (block.type === 'text') {
      if (block.text.trim() !== '') system.push(block.text);
    } else if (block.type === 'opaque' && block.dialect !== 'gemini') {
      takeOpaque(block.value);
    } else {
      warnings.add('content_dropped', `A ${block.type} block in ${where} cannot go into Gemini's systemInstruction; dropped.`);
    }
  };
  const append = (role: Role, part: TurnPart): void => {
    let turn = turns[turns.length - 1];
    if (turn === undefined || turn.role !== role) {
      turn = { role, parts: [] };
      turns.push(turn);
    }
    turn.parts.push(part);
  };

  for (const block of request.system) hoist(block, 'the system instructions');
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      if (turns.length > 0)
        warnings.add('system_hoisted', `A ${message.role} message inside the conversation was moved into systemInstruction (Gemini has no such role).`);
      for (const block of message.content) hoist(block, `a ${message.role} message`);
      continue;
    }
    for (const block of message.content) {
      if (block.type === 'opaque' && block.dialect !== 'gemini') {
        takeOpaque(block.value);
        continue;
      }
      const role = roleOf(block, message);
      if (block.type === 'tool-result') {
        for (const part of encodeToolResult(block, callNames, context)) append(role, part);
        continue;
      }
      const part = encodeBlock(block, role, context);
      if (part === undefined) continue;
      if (block.type === 'tool-call' && part.part.functionCall) callNames.set(block.callId, part.part.functionCall.name);
      append(role, part);
    }
  }

  pairResults(turns, context);
  if (geminiModelProfile(context.target.model, context.target.quirks).validatesSignatures) addDummySignatures(turns, context);
  const contents = turns
    .filter((turn) => turn.parts.length > 0)
    .map((turn): GeminiContent => ({ role: turn.role, parts: turn.parts.map((entry) => entry.part) }));
  if (contents.length === 0) throw invalidRequest('The request has no user or assistant content to send to Gemini.', 'messages');
  const encoded: EncodedContents = { contents, extraTools };
  if (system.length > 0) encoded.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  return encoded;
}

function encodeBlock(block: Exclude<ContentBlock, ToolResultBlock>, role: Role, context: ExchangeContext): TurnPart | undefined {
  switch (block.type) {
    case 'text': {
      const signature = role === 'model' && block.signature?.family === 'gemini' ? block.signature.value : undefined;
      // Gemini accepts "" but an unsigned empty part carries nothing.
      if (block.text === '' && signature === undefined) return undefined;
      return { part: signature === undefined ? { text: block.text } : { text: block.text, thoughtSignature: signature } };
    }
    case 'refusal':
      return block.text === '' ? undefined : { part: { text: block.text } };
    case 'image':
      if (block.detail !== undefined && block.detail !== 'auto')
        context.warnings.add('field_dropped', `Image detail "${block.detail}" has no Gemini equivalent; dropped.`);
      return { part: encodeMedia(block.source, 'image') };
    case 'file':
      return { part: encodeMedia(block.source, 'file') };
    case 'reasoning':
      // Thought text is not replayed; a signed Gemini thought part goes back with its signature.
      if (block.family !== 'gemini' || block.signature === undefined || block.signature === '') return undefined;
      return { part: { text: block.summary.join(''), thought: true, thoughtSignature: block.signature } };
    case 'tool-call':
      return encodeToolCall(block, context);
    case 'opaque':
      return typeof block.value === 'object' && block.value !== null ? { part: block.value as GeminiPart } : undefined;
  }
}

function encodeToolCall(block: ToolCallBlock, context: ExchangeContext): TurnPart {
  const name = geminiToolName(context.toolNames, block.name, block.namespace, block.kind);
  const call: NonNullable<GeminiPart['functionCall']> = { name, args: toolArguments(block, context) };
  if (!isSynthesizedCallId(block.callId)) call.id = block.callId;
  const part: GeminiPart = { functionCall: call };
  if (block.signature?.family === 'gemini') part.thoughtSignature = block.signature.value;
  return { part, call: block.callId };
}

/** `args` must be an object: a freeform input is wrapped as `{input}`, JSON text is parsed. */
function toolArguments(block: ToolCallBlock, context: ExchangeContext): Record<string, unknown> {
  const args = toolCallArguments(block);
  if (args) return args;
  context.warnings.add('tool_arguments_replaced', `The arguments of call ${block.callId} are not a JSON object; replayed to Gemini as {}.`);
  return {};
}

/**
 * A result → its `functionResponse` part (`{output}` or `{error}`: `response` must be an
 * object) plus, for rich results, their media as parts after it.
 */
function encodeToolResult(block: ToolResultBlock, callNames: Map<string, string>, context: ExchangeContext): TurnPart[] {
  let name = callNames.get(block.callId);
  if (name === undefined && block.name !== undefined) name = geminiToolName(context.toolNames, block.name, block.namespace, block.kind);
  if (name === undefined) {
    context.warnings.add('tool_result_unnamed', `The result of call ${block.callId} has no matching call; sent to Gemini under the name unknown_tool.`);
    name = 'unknown_tool';
  }
  const texts: string[] = [];
  const media: TurnPart[] = [];
  if (typeof block.output === 'string') texts.push(block.output);
  else {
    for (const part of block.output) {
      if (part.type === 'text') texts.push(part.text);
      else if (part.type === 'image' || part.type === 'file') media.push({ part: encodeMedia(part.source, part.type) });
      else context.warnings.add('content_dropped', `A ${part.type} block inside a tool result has no Gemini form; dropped.`);
    }
  }
  if (media.length > 0) context.warnings.add('tool_result_media_moved', 'Images in a tool result were sent as inline parts after the function response.');
  const text = texts.join('\n');
  const response = { name, response: block.isError ? { error: text } : { output: text } } as NonNullable<GeminiPart['functionResponse']>;
  if (!isSynthesizedCallId(block.callId)) response.id = block.callId;
  return [{ part: { functionResponse: response }, result: block.callId }, ...media];
}

/**
 * Gemini wants the results of a model turn's calls in the next user content, in call order,
 * one per call, matched by name and order. Missing results get an error response; results whose
 * call is not in the turn before are dropped. Both are warnings.
 */
function pairResults(turns: Turn[], context: ExchangeContext): void {
  turns.forEach((turn, position) => {
    if (turn.role !== 'user') return;
    const previous = turns[position - 1];
    const calls = previous?.role === 'model' ? previous.parts.filter((entry) => entry.call !== undefined) : [];
    const results = new Map<string, TurnPart>();
    const others: TurnPart[] = [];
    for (const entry of turn.parts) {
      if (entry.result === undefined) others.push(entry);
      else if (calls.some((call) => call.call === entry.result) && !results.has(entry.result)) results.set(entry.result, entry);
      else context.warnings.add('tool_result_dropped', `The result of call ${entry.result} does not answer a call of the preceding model turn; dropped.`);
    }
    if (calls.length === 0 && results.size === 0) return;
    const ordered = calls.map((call) => {
      const found = results.get(call.call as string);
      if (found) return found;
      context.warnings.add('tool_result_missing', `Call ${call.call} has no result; Gemini was sent an error response for it.`);
      const functionCall = call.part.functionCall as NonNullable<GeminiPart['functionCall']>;
      const response = { name: functionCall.name, response: { error: 'No result was recorded for this call.' } } as NonNullable<GeminiPart['functionResponse']>;
      if (functionCall.id !== undefined) response.id = functionCall.id;
      return { part: { functionResponse: response }, result: call.call } as TurnPart;
    });
    turn.parts = [...ordered, ...others];
  });
  // A model turn with calls followed by another model turn (or by nothing, mid-history) has no
  // user content to carry results: the conversation ends there, as in a fresh tool loop.
}

/** Gemini 3 rejects a model turn whose first functionCall part has no thoughtSignature. */
function addDummySignatures(turns: Turn[], context: ExchangeContext): void {
  for (const turn of turns) {
    if (turn.role !== 'model') continue;
    const first = turn.parts.find((entry) => entry.part.functionCall !== undefined);
    if (first === undefined || first.part.thoughtSignature !== undefined) continue;
    first.part = { ...first.part, thoughtSignature: dummyThoughtSignature };
    context.warnings.add('thought_signature_dummy', 'Function calls not made by Gemini were replayed with the documented dummy thought signature.');
  }
}
