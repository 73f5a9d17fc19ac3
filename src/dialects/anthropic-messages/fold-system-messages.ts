import type { Warnings } from '../../core/warnings.ts';
import { looksSealed } from '../shared/sealed-envelope.ts';
import { isRecord } from './wire.ts';

/** How a system message inside the conversation reaches a model that takes none: user text, marked. */
export function systemReminder(text: string): string {
  return `<system-reminder>\n${text}\n</system-reminder>`;
}

type Block = Record<string, unknown>;
type WireMessage = { role?: unknown; content?: unknown } & Record<string, unknown>;

const blocksOf = (content: unknown): Block[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content.filter(isRecord) : [];

/**
 * For a target that does not take `role: "system"` messages inside `messages` (Claude models
 * before Opus 4.8, and any model without the per-turn-control beta): the system messages
 * before the first turn join the top-level `system`; later ones become user text marked as a
 * system reminder at their position (merged into the adjacent user turn, tool results kept
 * first), so the conversation before them stays byte-stable for prompt caching. Their
 * per-turn `output_config` has no place and is dropped with a warning. Returns the body
 * unchanged (the same object) when it holds no system message.
 */
export function foldSystemMessages(body: Record<string, unknown>, warnings: Warnings): Record<string, unknown> {
  const messages = Array.isArray(body.messages) ? (body.messages as WireMessage[]) : [];
  if (!messages.some((message) => isRecord(message) && message.role === 'system')) return body;
  const system: Block[] = blocksOf(body.system);
  const folded: WireMessage[] = [];
  let leading = true;
  let moved = 0;
  for (const message of messages) {
    if (!isRecord(message) || message.role !== 'system') {
      leading = false;
      folded.push(message);
      continue;
    }
    if (message.output_config !== undefined) {
      warnings.add('field_dropped', "A system message's output_config has no place on the target (it takes no system messages); dropped.");
    }
    const texts = blocksOf(message.content).filter((block) => block.type === 'text' && typeof block.text === 'string');
    if (leading) {
      system.push(...texts);
      continue;
    }
    moved++;
    const reminders = texts.map((block) => ({ ...block, text: systemReminder(String(block.text)) }));
    if (reminders.length > 0) folded.push({ role: 'user', content: reminders });
  }
  if (moved > 0) {
    warnings.add(
      'system_message_moved',
      `${moved} system message(s) inside the conversation were sent as user text marked <system-reminder> (the target takes none).`,
    );
  }
  const next: Record<string, unknown> = { ...body, messages: mergeUserTurns(folded) };
  if (system.length > 0) next.system = system;
  return next;
}

/** Consecutive user messages as one (tool results first, as Anthropic requires). */
function mergeUserTurns(messages: WireMessage[]): WireMessage[] {
  const merged: WireMessage[] = [];
  for (const message of messages) {
    const previous = merged[merged.length - 1];
    if (previous?.role === 'user' && message.role === 'user') {
      const blocks = [...blocksOf(previous.content), ...blocksOf(message.content)];
      const results = blocks.filter((block) => block.type === 'tool_result');
      merged[merged.length - 1] = { ...previous, content: [...results, ...blocks.filter((block) => block.type !== 'tool_result')] };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

/**
 * Thinking blocks whose signature is a gateway envelope (another family's reasoning carried
 * through an Anthropic client) never reach Anthropic, which did not issue them. Returns the
 * body unchanged (the same object) when there are none.
 */
export function stripSealedThinking(body: Record<string, unknown>, warnings: Warnings): Record<string, unknown> {
  if (!Array.isArray(body.messages)) return body;
  let stripped = 0;
  const messages = (body.messages as WireMessage[]).map((message) => {
    if (!isRecord(message) || message.role !== 'assistant' || !Array.isArray(message.content)) return message;
    const content = (message.content as unknown[]).filter((block) => {
      const sealed = isRecord(block) && block.type === 'thinking' && typeof block.signature === 'string' && looksSealed(block.signature);
      if (sealed) stripped++;
      return !sealed;
    });
    return content.length === message.content.length ? message : { ...message, content };
  });
  if (stripped === 0) return body;
  warnings.add('reasoning_dropped', `${stripped} thinking block(s) carried another provider's reasoning, which Anthropic cannot verify; dropped.`);
  return { ...body, messages };
}
