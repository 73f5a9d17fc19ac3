import type { ToolCallBlock } from '../../core/ir/content.ts';
import { flattenToolName } from '../../core/tool-names.ts';

/**
 * A call's input as the JSON object that Anthropic (`input`) and Gemini (`args`) carry: a
 * freeform call's raw text as `{input}`, empty input as `{}`. Undefined when the text is not a
 * JSON object (cut off by a token limit, or not JSON): the caller decides whether that is
 * worth a warning.
 */
export function toolCallArguments(block: ToolCallBlock): Record<string, unknown> | undefined {
  if (block.kind === 'custom') return { input: block.input };
  if (block.input.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(block.input);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: handled by the caller.
  }
  return undefined;
}

/** A call's name for a client that never declared namespaces: a foreign namespaced call is flattened. */
export function clientToolName(block: Pick<ToolCallBlock, 'name' | 'namespace'>, maxLength = 64): string {
  return block.namespace ? flattenToolName(block.name, block.namespace, maxLength) : block.name;
}
