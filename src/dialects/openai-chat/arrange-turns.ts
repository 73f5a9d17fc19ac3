import type { ExchangeContext } from '../../core/dialect.ts';
import { encodeCallId, userContent } from './encode-content.ts';
import type { ChatContentPart, ChatMessage, ChatToolCall } from './wire.ts';

/** One Chat message in the making; `extra` holds a Chat client's own message fields. */
export type Entry = (
  | { side: 'system'; role: 'system' | 'developer'; texts: string[] }
  | { side: 'user'; parts: ChatContentPart[] }
  | { side: 'assistant'; texts: string[]; toolCalls: ChatToolCall[]; reasoning: string[] }
  /** `callId` is the IR id; `images` are what a `tool` message cannot hold. */
  | { side: 'tool'; callId: string; content: string; images: ChatContentPart[] }
) & { extra?: Record<string, unknown> };

const missingResultText = 'No result was recorded for this tool call.';

/**
 * Orders entries the way Chat servers and their templates accept:
 * - the leading system/developer content becomes ONE first system message (many templates
 *   reject a second one or a system message at a later position); a server that knows the
 *   `developer` role (`developer_role: true` quirk, OpenAI) gets the messages as they were;
 * - a later developer message becomes a system message in place, with a warning (or user
 *   text in `<developer>` tags where the `system_message_first_only: true` quirk says the
 *   template rejects a later system turn);
 * - each assistant message with tool calls is followed by exactly one `tool` message per
 *   call: results are pulled up past user text, a missing result gets a placeholder, a result
 *   without its call becomes user text; images from results follow as one user message.
 */
export function arrangeTurns(entries: Entry[], context: ExchangeContext): ChatMessage[] {
  const developerRole = context.target.quirks?.developer_role === true;
  const firstOnly = context.target.quirks?.system_message_first_only === true;
  const messages: ChatMessage[] = [];
  let index = 0;

  const leading: Array<Extract<Entry, { side: 'system' }>> = [];
  while (entries[index]?.side === 'system') leading.push(entries[index++] as Extract<Entry, { side: 'system' }>);
  if (developerRole) for (const entry of leading) messages.push(systemMessage(entry, entry.role));
  else if (leading.length > 0) messages.push({ role: 'system', content: leading.flatMap((entry) => entry.texts).join('\n\n') });

  while (index < entries.length) {
    const entry = entries[index++]!;
    if (entry.side !== 'assistant' || entry.toolCalls.length === 0) {
      messages.push(...plainMessages(entry));
      continue;
    }
    messages.push(assistantMessage(entry));
    // Everything up to the next assistant turn answers (or interrupts) these calls.
    const pending = new Map(entry.toolCalls.map((call) => [call.id, call]));
    const results = new Map<string, ChatMessage>();
    const images: ChatContentPart[] = [];
    const later: Entry[] = [];
    while (index < entries.length && entries[index]!.side !== 'assistant') {
      const next = entries[index++]!;
      const id = next.side === 'tool' ? encodeCallId(next.callId, context) : undefined;
      if (next.side === 'tool' && id !== undefined && pending.has(id) && !results.has(id)) {
        results.set(id, toolMessage(next, id));
        images.push(...next.images);
      } else {
        later.push(next);
      }
    }
    for (const id of pending.keys()) {
      const result = results.get(id);
      if (result) {
        messages.push(result);
        continue;
      }
      context.warnings.add('tool_result_missing', `Call ${id} has no result in the history; a placeholder result was sent (Chat requires one per call).`);
      messages.push({ role: 'tool', tool_call_id: id, content: missingResultText });
    }
    if (images.length > 0) messages.push({ role: 'user', content: images });
    for (const other of later) messages.push(...plainMessages(other));
  }
  return messages;

  /** Messages for an entry outside a tool exchange. */
  function plainMessages(entry: Entry): ChatMessage[] {
    switch (entry.side) {
      case 'system':
        if (firstOnly) {
          // Templates such as Qwen's and Gemma's reject a system turn after the first message.
          context.warnings.add(
            'system_message_moved',
            `A ${entry.role} message inside the conversation was sent as user text (the target takes system content only first).`,
          );
          return [{ role: 'user', content: `<${entry.role}>\n${entry.texts.join('\n\n')}\n</${entry.role}>` }];
        }
        if (entry.role === 'developer' && !developerRole) {
          context.warnings.add(
            'developer_role_mapped',
            'A developer message inside the conversation was sent as a system message in place (the target has no developer role).',
          );
        }
        return [systemMessage(entry, developerRole ? entry.role : 'system')];
      case 'user':
        return [{ ...entry.extra, role: 'user', content: userContent(entry.parts) }];
      case 'assistant':
        // A turn that held only dropped blocks (foreign reasoning) says nothing.
        return entry.texts.length === 0 && entry.reasoning.length === 0 ? [] : [assistantMessage(entry)];
      case 'tool': {
        context.warnings.add('tool_result_orphaned', `The result for ${entry.callId} has no matching call just before it; sent as user text.`);
        const content: ChatContentPart[] = [{ type: 'text', text: `Result of tool call ${entry.callId}:\n${entry.content}` }, ...entry.images];
        return [{ role: 'user', content: userContent(content) }];
      }
    }
  }
}

function systemMessage(entry: Extract<Entry, { side: 'system' }>, role: 'system' | 'developer'): ChatMessage {
  return { ...entry.extra, role, content: entry.texts.join('\n\n') };
}

function assistantMessage(entry: Extract<Entry, { side: 'assistant' }>): ChatMessage {
  const message: ChatMessage = { ...entry.extra, role: 'assistant', content: entry.texts.length > 0 ? entry.texts.join('\n\n') : null };
  if (entry.toolCalls.length > 0) message.tool_calls = entry.toolCalls;
  if (entry.reasoning.length > 0) message.reasoning_content = entry.reasoning.join('\n\n');
  return message;
}

function toolMessage(entry: Extract<Entry, { side: 'tool' }>, id: string): ChatMessage {
  return { ...entry.extra, role: 'tool', tool_call_id: id, content: entry.content };
}
