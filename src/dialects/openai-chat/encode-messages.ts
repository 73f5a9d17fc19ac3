import type { ExchangeContext } from '../../core/dialect.ts';
import type { ContentBlock, Message, ToolDefinition } from '../../core/ir/index.ts';
import { decodeResponsesToolItem } from '../shared/decode-responses-tool-items.ts';
import { arrangeTurns, type Entry } from './arrange-turns.ts';
import { encodeToolCall, encodeToolResult, encodeUserPart } from './encode-content.ts';
import type { ChatMessage } from './wire.ts';
import { opaqueTypeOf } from '../shared/tool-descriptions.ts';

export interface EncodedConversation {
  messages: ChatMessage[];
  /** Tools declared by opaque Responses items in the history (`additional_tools`, …). */
  extraTools: ToolDefinition[];
}

type Side = Entry['side'];

/** Which Chat message a block belongs in; tool calls and results can sit in any IR message. */
function sideOf(block: ContentBlock, message: Message): Side {
  if (block.type === 'tool-call' || block.type === 'reasoning') return 'assistant';
  if (block.type === 'tool-result') return 'tool';
  if (message.role === 'system' || message.role === 'developer') return 'system';
  return message.role === 'assistant' ? 'assistant' : 'user';
}

/**
 * The IR conversation as Chat messages: system content first, consecutive assistant-side
 * blocks (text, tool calls) folded into one assistant message, one `tool` message per
 * result right after the calls. Reasoning has no slot in Chat
 * and is dropped, except this family's own text where the `reasoning_content_replay` quirk
 * asks for it back (DeepSeek inside a tool loop).
 */
export function encodeMessages(context: ExchangeContext): EncodedConversation {
  const { request, warnings } = context;
  const fromChatClient = request.extensions['openai-chat'] !== undefined;
  const replayReasoning = context.target.quirks?.reasoning_content_replay === true;
  const entries: Entry[] = [];
  const extraTools: ToolDefinition[] = [];

  const takeOpaque = (value: unknown): void => {
    const tools = decodeResponsesToolItem(value, warnings);
    if (tools) extraTools.push(...tools);
    const type = opaqueTypeOf(value);
    if (type !== 'additional_tools') {
      warnings.add('item_dropped', `The ${type} item has no Chat Completions equivalent; dropped${tools ? ' (its tools were declared)' : ''}.`);
    }
  };

  /**
   * The entry a block goes into: the last one when it has the same side and came from the
   * same IR message, or (assistant side only) from the previous one: Responses sends every
   * assistant item apart, Chat wants one assistant message per turn. A Chat client's own
   * messages stay as it sent them.
   */
  const entryFor = <S extends 'system' | 'user' | 'assistant'>(
    side: S,
    message: Message,
    fresh: boolean,
    role: 'system' | 'developer' = 'system',
  ): Extract<Entry, { side: S }> => {
    const last = entries[entries.length - 1];
    const sameTurn = !fresh || (side === 'assistant' && !fromChatClient);
    if (last !== undefined && last.side === side && sameTurn && (last.side !== 'system' || last.role === role)) {
      return last as Extract<Entry, { side: S }>;
    }
    const entry = (
      side === 'system' ? { side, role, texts: [] } : side === 'user' ? { side, parts: [] } : { side, texts: [], toolCalls: [], reasoning: [] }
    ) as Extract<Entry, { side: S }>;
    push(entry, message);
    return entry;
  };
  const push = (entry: Entry, message: Message): void => {
    const extra = fromChatClient ? message.extra : undefined;
    if (extra !== undefined && Object.keys(extra).length > 0) entry.extra = extra;
    entries.push(entry);
  };

  const systemMessage: Message = { role: 'system', content: request.system };
  for (const block of request.system) addSystemBlock(block, 'system', systemMessage, false);

  for (const message of request.messages) {
    let fresh = true;
    for (const block of message.content) {
      const side = sideOf(block, message);
      if (block.type === 'opaque' && block.dialect !== 'openai-chat') {
        takeOpaque(block.value);
        continue;
      }
      if (block.type === 'opaque' && side !== 'user') {
        warnings.add('content_dropped', `A Chat content part in a ${message.role} message has no place there; dropped.`);
        continue;
      }
      if (side === 'system') {
        addSystemBlock(block, message.role === 'developer' ? 'developer' : 'system', message, fresh);
        fresh = false;
        continue;
      }
      if (side === 'tool' && block.type === 'tool-result') {
        push({ side: 'tool', callId: block.callId, ...encodeToolResult(block, context) }, message);
        fresh = false;
        continue;
      }
      if (side === 'assistant') {
        if (!addAssistantBlock(block, message, fresh)) continue;
        fresh = false;
        continue;
      }
      const part = encodeUserPart(block, context);
      if (part === undefined) {
        warnings.add('content_dropped', `A ${block.type} block in a user message has no Chat Completions form; dropped.`);
        continue;
      }
      entryFor('user', message, fresh).parts.push(part);
      fresh = false;
    }
  }
  return { messages: arrangeTurns(entries, context), extraTools };

  function addSystemBlock(block: ContentBlock, role: 'system' | 'developer', message: Message, fresh: boolean): void {
    if (block.type === 'opaque' && block.dialect !== 'openai-chat') return takeOpaque(block.value);
    if (block.type !== 'text') {
      warnings.add('content_dropped', `A ${block.type} block in ${role} instructions cannot go into a Chat system message; dropped.`);
      return;
    }
    entryFor('system', message, fresh, role).texts.push(block.text);
  }

  /** Whether the block added anything (a dropped reasoning block must not open a turn). */
  function addAssistantBlock(block: ContentBlock, message: Message, fresh: boolean): boolean {
    switch (block.type) {
      case 'text':
      case 'refusal':
        entryFor('assistant', message, fresh).texts.push(block.text);
        return true;
      case 'tool-call':
        entryFor('assistant', message, fresh).toolCalls.push(encodeToolCall(block, context));
        return true;
      case 'reasoning': {
        // Foreign reasoning has no slot in Chat; templates drop past reasoning anyway.
        if (!replayReasoning || block.family !== 'openai-compatible') return false;
        const text = block.summary.length > 0 ? block.summary.join('') : (block.text ?? []).join('');
        if (text === '') return false;
        entryFor('assistant', message, fresh).reasoning.push(text);
        return true;
      }
      default:
        warnings.add('content_dropped', `A ${block.type} block in an assistant message cannot be sent to Chat Completions; dropped.`);
        return false;
    }
  }
}
