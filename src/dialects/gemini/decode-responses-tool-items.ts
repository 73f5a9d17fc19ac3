import type { ToolDefinition } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { isRecord } from './wire.ts';

/**
 * Tool definitions carried inside opaque Responses items the IR does not model:
 * `additional_tools` (Codex "Responses-Lite" sends every tool this way, grouped in namespaces)
 * and `tool_search_output` (tools a client-side search just exposed). Gemini has neither item,
 * so their tools become ordinary declarations. (Dialects import only core/, hence this reader
 * of the Responses shape lives here as it does in the Anthropic folder.)
 */
export function decodeResponsesToolItem(item: unknown, warnings: Warnings): ToolDefinition[] | undefined {
  if (!isRecord(item) || (item.type !== 'additional_tools' && item.type !== 'tool_search_output')) return undefined;
  const definitions: ToolDefinition[] = [];
  if (Array.isArray(item.tools)) for (const tool of item.tools) decodeTool(tool, undefined, undefined, definitions, warnings);
  return definitions;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function decodeTool(tool: unknown, namespace: string | undefined, namespaceDescription: string | undefined, into: ToolDefinition[], warnings: Warnings): void {
  if (!isRecord(tool)) return;
  const name = text(tool.name);
  const description = text(tool.description);
  const scope = {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(namespaceDescription !== undefined ? { namespaceDescription } : {}),
    ...(description !== undefined ? { description } : {}),
  };
  if (tool.type === 'namespace') {
    if (name !== undefined && Array.isArray(tool.tools)) for (const member of tool.tools) decodeTool(member, name, description, into, warnings);
  } else if (tool.type === 'function') {
    if (name !== undefined) into.push({ kind: 'function', name, ...scope, ...(isRecord(tool.parameters) ? { parameters: tool.parameters } : {}) });
  } else if (tool.type === 'custom') {
    const format = isRecord(tool.format) ? tool.format : {};
    const grammar =
      format.type === 'grammar' && typeof format.syntax === 'string' && typeof format.definition === 'string'
        ? { format: { type: 'grammar' as const, syntax: format.syntax, definition: format.definition } }
        : {};
    if (name !== undefined) into.push({ kind: 'custom', name, ...scope, ...grammar });
  } else if (typeof tool.type === 'string') {
    into.push({ kind: 'hosted', dialect: 'openai-responses', type: tool.type, value: tool });
  } else {
    warnings.add('tool_dropped', 'A tool without a type in an additional_tools item was dropped.');
  }
}
