import type { ToolDefinition } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';

/**
 * Tool definitions carried inside opaque Responses items the IR does not model:
 * `additional_tools` (Codex "Responses-Lite" sends every tool this way, grouped in
 * namespaces) and `tool_search_output` (tools a client-side search just exposed for the next
 * call). Only Responses has these items: for any other upstream their tools become ordinary
 * tools. A pure function (no state, no I/O), shared by every non-Responses encoder.
 */
export function decodeResponsesToolItem(item: unknown, warnings: Warnings): ToolDefinition[] | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const { type, tools } = item as { type?: unknown; tools?: unknown };
  if (type !== 'additional_tools' && type !== 'tool_search_output') return undefined;
  if (!Array.isArray(tools)) return [];
  const definitions: ToolDefinition[] = [];
  for (const tool of tools) decodeResponsesTool(tool, undefined, undefined, definitions, warnings);
  return definitions;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function decodeResponsesTool(
  tool: unknown,
  namespace: string | undefined,
  namespaceDescription: string | undefined,
  into: ToolDefinition[],
  warnings: Warnings,
): void {
  if (typeof tool !== 'object' || tool === null) return;
  const value = tool as Record<string, unknown>;
  const name = text(value.name);
  const description = text(value.description);
  const scope = {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(namespaceDescription !== undefined ? { namespaceDescription } : {}),
    ...(description !== undefined ? { description } : {}),
  };
  switch (value.type) {
    case 'namespace':
      if (name === undefined || !Array.isArray(value.tools)) return;
      for (const member of value.tools) decodeResponsesTool(member, name, description, into, warnings);
      return;
    case 'function':
      if (name === undefined) return;
      into.push({
        kind: 'function',
        name,
        ...scope,
        ...(typeof value.parameters === 'object' && value.parameters !== null ? { parameters: value.parameters as Record<string, unknown> } : {}),
        ...(value.defer_loading === true ? { deferLoading: true } : {}),
      });
      return;
    case 'custom': {
      if (name === undefined) return;
      const format = value.format as { type?: unknown; syntax?: unknown; definition?: unknown } | undefined;
      const grammar =
        format?.type === 'grammar' && typeof format.syntax === 'string' && typeof format.definition === 'string'
          ? { format: { type: 'grammar' as const, syntax: format.syntax, definition: format.definition } }
          : {};
      into.push({ kind: 'custom', name, ...scope, ...grammar });
      return;
    }
    default:
      if (typeof value.type === 'string') into.push({ kind: 'hosted', dialect: 'openai-responses', type: value.type, value });
      else warnings.add('tool_dropped', 'A tool without a type in an additional_tools item was dropped.');
  }
}
