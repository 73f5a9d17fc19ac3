import type { ExchangeContext } from '../../core/dialect.ts';
import type { ContentBlock, Message, ToolDefinition } from '../../core/ir/index.ts';
import { decodeResponsesToolItem } from '../shared/decode-responses-tool-items.ts';
import { encodeContentBlock, isBlankText, type EncodedBlock } from './encode-content-block.ts';
import { repairToolPairing, type Turn } from './repair-turns.ts';
import type { AnthropicMessage, AnthropicTextBlock } from './wire.ts';
import { opaqueTypeOf } from '../shared/tool-descriptions.ts';
import { systemReminder } from './fold-system-messages.ts';

export interface EncodedConversation {
  system: AnthropicTextBlock[];
  turns: Turn[];
  /** Tools declared by opaque Responses items in the history (`additional_tools`, …). */
  extraTools: ToolDefinition[];
  historyToolNames: string[];
  historyHasToolBlocks: boolean;
  /**
   * Set when the request continues a tool loop whose last assistant turn does not start with
   * a thinking block: Anthropic then rejects thinking ("a final assistant message must start
   * with a thinking block"). `foreign` = the calls were not made by Claude (no `toolu_` ids).
   */
  loopWithoutThinking?: { foreign: boolean };
}

type Side = 'user' | 'assistant';

function sideOf(block: ContentBlock, message: Message): Side {
  switch (block.type) {
    case 'tool-call':
    case 'reasoning':
      return 'assistant';
    case 'tool-result':
      return 'user';
    default:
      return message.role === 'assistant' ? 'assistant' : 'user';
  }
}

/**
 * System text and role-grouped turns. System/developer content before the first turn is
 * hoisted into `system` in order, later system/developer messages become user text marked as
 * a system reminder in place; consecutive assistant-side blocks (reasoning, text, tool calls) form one assistant
 * turn and consecutive user-side blocks one user turn with its tool results first.
 */
export function encodeMessages(context: ExchangeContext): EncodedConversation {
  const { request, warnings, toolNames } = context;
  const encoding = { warnings, toolNames };
  const system: AnthropicTextBlock[] = [];
  const turns: Turn[] = [];
  const extraTools: ToolDefinition[] = [];

  const takeOpaque = (value: unknown): void => {
    const tools = decodeResponsesToolItem(value, warnings);
    if (tools) extraTools.push(...tools);
    const type = opaqueTypeOf(value);
    if (type !== 'additional_tools') {
      warnings.add('item_dropped', `The ${type} item has no Anthropic equivalent; dropped${tools ? ' (its tools were declared)' : ''}.`);
    }
  };
  const hoist = (block: ContentBlock, where: string): void => {
    if (block.type === 'text') {
      if (!isBlankText(block.text)) {
        system.push({ type: 'text', text: block.text, ...(block.cacheControl !== undefined ? { cache_control: block.cacheControl } : {}) });
      }
    } else if (block.type === 'opaque' && block.dialect !== 'anthropic-messages') {
      takeOpaque(block.value);
    } else {
      warnings.add('content_dropped', `A ${block.type} block in ${where} cannot go into Anthropic's system prompt; dropped.`);
    }
  };
  const append = (side: Side, block: EncodedBlock): void => {
    let turn = turns[turns.length - 1];
    if (turn === undefined || turn.role !== side) {
      turn = { role: side, results: [], blocks: [] };
      turns.push(turn);
    }
    if (block.type === 'tool_result') turn.results.push(block);
    else turn.blocks.push(block);
  };

  for (const block of request.system) hoist(block, 'the system instructions');
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      if (turns.length === 0) {
        for (const block of message.content) hoist(block, `a ${message.role} message`);
        continue;
      }
      // Later ones stay at their position as marked user text (foldSystemMessages' rule): no
      // 400 from models that take no system turns, and the prefix before them stays cacheable.
      warnings.add('system_message_moved', `A ${message.role} message inside the conversation was sent as user text marked <system-reminder> at its position.`);
      for (const block of message.content) {
        if (block.type === 'text' && !isBlankText(block.text)) {
          append('user', {
            type: 'text',
            text: systemReminder(block.text),
            ...(block.cacheControl !== undefined ? { cache_control: block.cacheControl } : {}),
          });
        } else hoist(block, `a ${message.role} message`);
      }
      continue;
    }
    for (const block of message.content) {
      if (block.type === 'opaque' && block.dialect !== 'anthropic-messages') {
        takeOpaque(block.value);
        continue;
      }
      const encoded = encodeContentBlock(block, encoding);
      if (encoded !== undefined) append(sideOf(block, message), encoded);
    }
  }

  repairToolPairing(turns, warnings);
  return { system, turns, extraTools, ...historyFacts(turns) };
}

function historyFacts(turns: Turn[]): Pick<EncodedConversation, 'historyToolNames' | 'historyHasToolBlocks' | 'loopWithoutThinking'> {
  const historyToolNames: string[] = [];
  let historyHasToolBlocks = false;
  for (const turn of turns) {
    if (turn.results.length > 0) historyHasToolBlocks = true;
    for (const block of turn.blocks) {
      if (block.type === 'tool_use') {
        historyHasToolBlocks = true;
        historyToolNames.push(String(block.name));
      }
    }
  }
  const facts: ReturnType<typeof historyFacts> = { historyToolNames, historyHasToolBlocks };
  const last = turns[turns.length - 1];
  const assistant = turns[turns.length - 2];
  if (last?.role === 'user' && last.results.length > 0 && assistant?.role === 'assistant') {
    const first = assistant.blocks[0]?.type;
    if (first !== 'thinking' && first !== 'redacted_thinking') {
      const ids = assistant.blocks.filter((block) => block.type === 'tool_use').map((block) => String((block as { id: unknown }).id));
      facts.loopWithoutThinking = { foreign: !ids.every((id) => id.startsWith('toolu_')) };
    }
  }
  return facts;
}

/** Turns as wire messages: tool results first in a user message (Anthropic requires it). */
export function encodeTurns(turns: Turn[]): AnthropicMessage[] {
  return turns.map((turn) => ({ role: turn.role, content: [...turn.results, ...turn.blocks] as AnthropicMessage['content'] }));
}
