import type { CustomToolDefinition, FunctionToolDefinition, HostedToolDefinition, ToolChoice, ToolDefinition } from '../../core/ir/index.ts';
import type { ToolNameMap } from '../../core/tool-names.ts';
import type { Warnings } from '../../core/warnings.ts';
import { declaredKind } from './decode-tools.ts';
import { encodeWireToolName } from './wire-tool-name.ts';

type Tool = Record<string, unknown>;

export interface ToolEncodingOptions {
  toolNames: ToolNameMap;
  warnings: Warnings;
  /**
   * The request came from a Responses client: definitions are rebuilt exactly as sent. For
   * other dialects' tools, `strict` defaults to false (Responses defaults it to true, which
   * rejects most hand-written schemas) and a missing schema becomes an empty object schema.
   */
  sameDialect: boolean;
}

/** IR tools into `tools[]`, regrouping namespace members into one namespace tool at the first member's place. */
export function encodeTools(tools: readonly ToolDefinition[], options: ToolEncodingOptions): Tool[] {
  const encoded: Tool[] = [];
  const namespaces = new Map<string, Tool[]>();
  for (const tool of tools) {
    if (tool.kind === 'hosted') {
      const hosted = encodeHostedTool(tool, options.warnings);
      if (hosted) encoded.push(hosted);
      continue;
    }
    const member = tool.kind === 'custom' ? encodeCustomTool(tool, options) : encodeFunctionTool(tool, options);
    if (tool.namespace === undefined) {
      encoded.push(member);
      continue;
    }
    const members = namespaces.get(tool.namespace);
    if (members) {
      members.push(member);
      continue;
    }
    const group: Tool[] = [member];
    namespaces.set(tool.namespace, group);
    const namespace: Tool = { type: 'namespace', name: tool.namespace };
    if (tool.namespaceDescription !== undefined) namespace.description = tool.namespaceDescription;
    namespace.tools = group;
    encoded.push(namespace);
  }
  return encoded;
}

function encodeFunctionTool(tool: FunctionToolDefinition, options: ToolEncodingOptions): Tool {
  const encoded: Tool = { type: 'function', name: encodeWireToolName(tool.name, 'function', options.toolNames) };
  if (tool.description !== undefined) encoded.description = tool.description;
  if (tool.parameters !== undefined) encoded.parameters = tool.parameters;
  else if (!options.sameDialect) encoded.parameters = { type: 'object', properties: {} };
  if (tool.strict !== undefined) encoded.strict = tool.strict;
  else if (!options.sameDialect) encoded.strict = false;
  if (tool.deferLoading !== undefined) encoded.defer_loading = tool.deferLoading;
  return encoded;
}

function encodeCustomTool(tool: CustomToolDefinition, options: ToolEncodingOptions): Tool {
  const encoded: Tool = { type: 'custom', name: encodeWireToolName(tool.name, 'custom', options.toolNames) };
  if (tool.description !== undefined) encoded.description = tool.description;
  if (tool.format !== undefined) encoded.format = tool.format;
  return encoded;
}

/** Our own hosted tools go back verbatim; another dialect's web search maps to ours (§5.4). */
function encodeHostedTool(tool: HostedToolDefinition, warnings: Warnings): Tool | undefined {
  if (tool.dialect === 'openai-responses') return tool.value;
  if (tool.type.startsWith('web_search') || tool.type === 'googleSearch' || tool.type === 'google_search') {
    warnings.add('tool_translated', `The ${tool.dialect} ${tool.type} tool was sent as OpenAI web_search; its options were dropped.`);
    return { type: 'web_search' };
  }
  warnings.add('tool_dropped', `The ${tool.dialect} hosted tool ${tool.type} has no OpenAI Responses equivalent and was dropped.`);
  return undefined;
}

export function encodeToolChoice(choice: ToolChoice, tools: readonly ToolDefinition[], toolNames: ToolNameMap): unknown {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: choice.kind, name: encodeWireToolName(choice.name, choice.kind, toolNames) };
    case 'allowed':
      return {
        type: 'allowed_tools',
        mode: choice.mode,
        tools: choice.names.map((name) => {
          const kind = declaredKind(name, tools);
          return { type: kind, name: encodeWireToolName(name, kind, toolNames) };
        }),
      };
  }
}
