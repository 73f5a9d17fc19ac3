import type { CustomToolDefinition, FunctionToolDefinition, ToolChoice, ToolDefinition } from '../../core/ir/index.ts';
import { invalidRequest } from '../../core/errors.ts';
import { requireString } from './content-parts.ts';
import { isRecord } from './wire.ts';

/**
 * `tools[]` into IR definitions. Namespace members are flattened in place, each carrying its
 * `namespace` and the namespace's description, so the encoder can regroup them; anything that
 * is neither a function nor a custom tool is kept verbatim as a hosted definition.
 */
export function decodeTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) throw invalidRequest('tools must be an array.', 'tools');
  const definitions: ToolDefinition[] = [];
  tools.forEach((tool, index) => {
    const path = `tools[${index}]`;
    if (!isRecord(tool) || typeof tool.type !== 'string') throw invalidRequest(`${path} must be an object with a type.`, `${path}.type`);
    if (tool.type === 'namespace' && isFlattenable(tool)) {
      const name = requireString(tool.name, `${path}.name`);
      const members = tool.tools as unknown[];
      members.forEach((member, memberIndex) => {
        const memberPath = `${path}.tools[${memberIndex}]`;
        const definition = decodeMemberTool(member, memberPath);
        definition.namespace = name;
        if (typeof tool.description === 'string') definition.namespaceDescription = tool.description;
        definitions.push(definition);
      });
      return;
    }
    if (tool.type === 'function' || tool.type === 'custom') {
      definitions.push(decodeMemberTool(tool, path));
      return;
    }
    definitions.push({ kind: 'hosted', dialect: 'openai-responses', type: tool.type, value: tool });
  });
  return definitions;
}

/**
 * Only a namespace whose shape the IR fully holds is flattened; an empty one (or one with
 * extra fields) would not survive the trip and stays verbatim instead.
 */
function isFlattenable(tool: Record<string, unknown>): boolean {
  if (!Array.isArray(tool.tools) || tool.tools.length === 0) return false;
  if (typeof tool.name !== 'string') return false;
  if (tool.description !== undefined && typeof tool.description !== 'string') return false;
  return Object.keys(tool).every((key) => key === 'type' || key === 'name' || key === 'description' || key === 'tools');
}

function decodeMemberTool(tool: unknown, path: string): FunctionToolDefinition | CustomToolDefinition {
  if (!isRecord(tool)) throw invalidRequest(`${path} must be an object.`, path);
  if (tool.type !== 'function' && tool.type !== 'custom') throw invalidRequest(`${path}.type must be function or custom inside a namespace.`, `${path}.type`);
  const name = requireString(tool.name, `${path}.name`);
  if (name.length === 0) throw invalidRequest(`${path}.name must not be empty.`, `${path}.name`);
  const description = tool.description === undefined ? undefined : requireString(tool.description, `${path}.description`);
  if (tool.type === 'custom') {
    const definition: CustomToolDefinition = { kind: 'custom', name };
    if (description !== undefined) definition.description = description;
    if (tool.format !== undefined) definition.format = decodeCustomFormat(tool.format, `${path}.format`);
    return definition;
  }
  const definition: FunctionToolDefinition = { kind: 'function', name };
  if (description !== undefined) definition.description = description;
  if (tool.parameters !== undefined && tool.parameters !== null) {
    if (!isRecord(tool.parameters)) throw invalidRequest(`${path}.parameters must be a JSON Schema object.`, `${path}.parameters`);
    definition.parameters = tool.parameters;
  }
  if (tool.strict !== undefined && tool.strict !== null) {
    if (typeof tool.strict !== 'boolean') throw invalidRequest(`${path}.strict must be a boolean.`, `${path}.strict`);
    definition.strict = tool.strict;
  }
  if (tool.defer_loading !== undefined) {
    if (typeof tool.defer_loading !== 'boolean') throw invalidRequest(`${path}.defer_loading must be a boolean.`, `${path}.defer_loading`);
    definition.deferLoading = tool.defer_loading;
  }
  return definition;
}

function decodeCustomFormat(format: unknown, path: string): NonNullable<CustomToolDefinition['format']> {
  if (!isRecord(format)) throw invalidRequest(`${path} must be an object.`, path);
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'grammar') {
    return { type: 'grammar', syntax: requireString(format.syntax, `${path}.syntax`), definition: requireString(format.definition, `${path}.definition`) };
  }
  throw invalidRequest(`${path}.type must be text or grammar.`, `${path}.type`);
}

/**
 * `tool_choice` into the IR, or undefined when it has no IR form (hosted-tool choices, MCP…),
 * in which case the caller keeps it verbatim as an extension.
 */
export function decodeToolChoice(choice: unknown, tools: readonly ToolDefinition[]): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (typeof choice === 'string') throw invalidRequest('tool_choice must be auto, none, required or an object.', 'tool_choice');
  if (!isRecord(choice) || typeof choice.type !== 'string') throw invalidRequest('tool_choice must be a string or an object with a type.', 'tool_choice');
  const keys = Object.keys(choice);
  if ((choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string') {
    if (!keys.every((key) => key === 'type' || key === 'name')) return undefined;
    return { type: 'tool', name: choice.name, kind: choice.type };
  }
  if (choice.type === 'allowed_tools') {
    if (!keys.every((key) => key === 'type' || key === 'mode' || key === 'tools')) return undefined;
    if ((choice.mode !== 'auto' && choice.mode !== 'required') || !Array.isArray(choice.tools)) return undefined;
    const names: string[] = [];
    for (const entry of choice.tools) {
      // Representable only when each entry is `{type, name}` of the kind the tool is declared with.
      if (!isRecord(entry) || typeof entry.name !== 'string' || Object.keys(entry).length !== 2) return undefined;
      if (entry.type !== declaredKind(entry.name, tools)) return undefined;
      names.push(entry.name);
    }
    return { type: 'allowed', mode: choice.mode, names };
  }
  return undefined;
}

export function declaredKind(name: string, tools: readonly ToolDefinition[]): 'function' | 'custom' {
  const tool = tools.find((definition) => definition.kind !== 'hosted' && definition.name === name);
  return tool?.kind === 'custom' ? 'custom' : 'function';
}
