import type { Warnings } from '../../core/warnings.ts';
import type { EncodedBlock } from './encode-content-block.ts';
import type { AnthropicToolResultBlock } from './wire.ts';

/** A role-grouped turn being built; `results` (tool_result blocks) are written first. */
export interface Turn {
  role: 'user' | 'assistant';
  results: EncodedBlock[];
  blocks: EncodedBlock[];
}

const missingResultText = 'No result was recorded for this tool call.';

function toolUseIds(turn: Turn | undefined): string[] {
  if (turn?.role !== 'assistant') return [];
  return turn.blocks.filter((block) => block.type === 'tool_use').map((block) => String((block as { id: unknown }).id));
}

/** A tool result with no matching call, kept as plain user content so nothing is lost. */
function orphanAsContent(result: AnthropicToolResultBlock): EncodedBlock[] {
  const label = `Result of tool call ${result.tool_use_id}${result.is_error ? ' (error)' : ''}:`;
  if (result.content === undefined) return [{ type: 'text', text: `${label} (empty)` }];
  if (typeof result.content === 'string') return [{ type: 'text', text: `${label}\n${result.content}` }];
  return [{ type: 'text', text: label }, ...result.content];
}

/**
 * Anthropic's pairing rules: every tool_use is answered by a tool_result at the start of the
 * very next user message, and every tool_result answers a tool_use of the message just
 * before. Histories from other providers (or trimmed ones) can break both; unanswered calls
 * get an error result and stray results become text, each with a warning.
 */
export function repairToolPairing(turns: Turn[], warnings: Warnings): void {
  for (let index = 0; index < turns.length; index++) {
    const turn = turns[index]!;
    if (turn.role === 'user') {
      const expected = new Set(toolUseIds(turns[index - 1]));
      const kept: EncodedBlock[] = [];
      const strays: EncodedBlock[] = [];
      for (const block of turn.results) {
        const result = block as AnthropicToolResultBlock;
        if (expected.delete(result.tool_use_id)) kept.push(result);
        else {
          warnings.add('tool_result_orphaned', `The result for ${result.tool_use_id} has no matching call just before it; sent as text.`);
          strays.push(...orphanAsContent(result));
        }
      }
      turn.results = kept;
      turn.blocks = [...strays, ...turn.blocks];
      continue;
    }
    const ids = toolUseIds(turn);
    if (ids.length === 0) continue;
    let next = turns[index + 1];
    if (next?.role !== 'user') {
      next = { role: 'user', results: [], blocks: [] };
      turns.splice(index + 1, 0, next);
    }
    const answered = new Set(next.results.map((block) => String((block as AnthropicToolResultBlock).tool_use_id)));
    for (const id of ids) {
      if (answered.has(id)) continue;
      warnings.add('tool_result_missing', `Tool call ${id} has no result in the history; an error result was inserted.`);
      next.results.push({ type: 'tool_result', tool_use_id: id, content: missingResultText, is_error: true });
    }
  }
  // A turn left without content (all its blocks were strays elsewhere) cannot be sent.
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index]!;
    if (turn.results.length === 0 && turn.blocks.length === 0) turns.splice(index, 1);
  }
}

const placeholderText = 'Continue.';

/**
 * The conversation must start with a user turn, and must not end on an assistant turn when
 * thinking is on (that is a prefill, which thinking forbids). Without thinking, a final
 * assistant turn is a legitimate prefill, but it may not carry thinking blocks.
 */
export function repairTurnBoundaries(turns: Turn[], thinkingOn: boolean, warnings: Warnings): void {
  const last = turns[turns.length - 1];
  if (last?.role === 'assistant') {
    if (thinkingOn) {
      warnings.add(
        'prefill_removed',
        'The conversation ended on an assistant turn, which Anthropic treats as a prefill and forbids with thinking; a user turn was appended.',
      );
      turns.push({ role: 'user', results: [], blocks: [{ type: 'text', text: placeholderText }] });
    } else {
      last.blocks = last.blocks.filter((block) => block.type !== 'thinking' && block.type !== 'redacted_thinking');
      // "final assistant content cannot end with trailing whitespace".
      const final = last.blocks[last.blocks.length - 1];
      if (final?.type === 'text') {
        // Replaced, not mutated: the block may be an object the IR still owns.
        const text = String(final.text).trimEnd();
        if (text.length === 0) last.blocks.pop();
        else last.blocks[last.blocks.length - 1] = { ...final, text };
      }
      if (last.blocks.length === 0) turns.pop();
    }
  }
  if (turns[0]?.role !== 'user') {
    warnings.add('placeholder_turn_added', 'Anthropic needs a user turn first; a placeholder user turn was added.');
    turns.unshift({ role: 'user', results: [], blocks: [{ type: 'text', text: placeholderText }] });
  }
}
