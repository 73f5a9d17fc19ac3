import type { ExchangeContext } from '../../core/dialect.ts';
import type { CustomToolDefinition, FunctionToolDefinition } from '../../core/ir/request.ts';

/** Longest grammar kept in a wrapped freeform tool's description (Codex's apply_patch is ~700). */
const grammarLimit = 4000;

/** Description parts joined by blank lines; undefined when there is nothing to say. */
export function joinDescriptions(...parts: Array<string | undefined>): string | undefined {
  const kept = parts.filter((part): part is string => part !== undefined && part.trim().length > 0);
  return kept.length > 0 ? kept.join('\n\n') : undefined;
}

/** A function tool's description, its namespace's description first (namespaces are flattened). */
export function functionToolDescription(tool: FunctionToolDefinition | CustomToolDefinition): string | undefined {
  return joinDescriptions(tool.namespaceDescription, tool.description);
}

/**
 * The description of a freeform (OpenAI `custom`) tool sent as a function taking one string
 * `input`, as every non-OpenAI dialect must: the grammar is described to the model but not
 * enforced, which is recorded as a warning.
 */
export function wrappedFreeformDescription(tool: CustomToolDefinition, context: ExchangeContext): string | undefined {
  let grammar: string | undefined;
  if (tool.format?.type === 'grammar') {
    const definition = tool.format.definition.length > grammarLimit ? `${tool.format.definition.slice(0, grammarLimit)}…` : tool.format.definition;
    grammar = `Put the raw text in \`input\` (not JSON-encoded content); it must follow this ${tool.format.syntax} grammar:\n${definition.trim()}`;
    context.warnings.add('custom_tool_wrapped', `Freeform tool ${tool.name} sent as a function with one string \`input\`; its grammar is not enforced.`);
  }
  return joinDescriptions(tool.namespaceDescription, tool.description, grammar);
}

/** `web_search_call` for an opaque item, `content part input_audio` for a wrapped content part. */
export function opaqueTypeOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return 'unknown';
  const { type, contentPart } = value as { type?: unknown; contentPart?: { type?: unknown } };
  if (typeof type === 'string') return type;
  if (typeof contentPart?.type === 'string') return `content part ${contentPart.type}`;
  return 'unknown';
}
