import type { ExchangeContext } from '../../core/dialect.ts';
import type { CustomToolDefinition, FunctionToolDefinition, ToolChoice, ToolDefinition } from '../../core/ir/index.ts';
import { satisfiesStrictSchema } from './strict-schema.ts';
import type { ChatTool, ChatToolChoice } from './wire.ts';
import { functionToolDescription, wrappedFreeformDescription } from '../shared/tool-descriptions.ts';

export interface EncodedTools {
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
}

/** The one-string schema a freeform tool is wrapped in (what Codex itself does, §5.2). */
export const wrappedInputSchema = (): Record<string, unknown> => ({
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw tool input.' } },
  required: ['input'],
  additionalProperties: false,
});

/**
 * Whether freeform tools go upstream natively (`type: "custom"`). Only OpenAI models accept
 * them, and not all of those: opt in per provider with the `custom_tools: true` quirk.
 */
export function nativeCustomTools(context: ExchangeContext): boolean {
  return context.target.quirks?.custom_tools === true;
}

/**
 * `tools`, `tool_choice` and `parallel_tool_calls`. Namespaced tools are flattened through the
 * request's name map (`ns__name`, `[a-zA-Z0-9_-]{1,64}`), freeform tools become functions
 * with one string `input`, and hosted tools are dropped with a warning: Chat has none.
 * `extraTools` are the tools found in opaque Responses history items (`additional_tools`).
 */
export function encodeTools(context: ExchangeContext, extraTools: readonly ToolDefinition[]): EncodedTools {
  const tools: ChatTool[] = [];
  const seen = new Set<string>();
  for (const tool of [...context.request.tools, ...extraTools]) {
    const encoded = encodeTool(tool, context);
    if (encoded === undefined) continue;
    const name = encoded.type === 'function' ? encoded.function.name : encoded.custom.name;
    if (seen.has(name)) continue;
    seen.add(name);
    tools.push(encoded);
  }
  if (tools.length === 0) {
    if (context.request.toolChoice !== undefined && context.request.toolChoice.type !== 'none' && context.request.toolChoice.type !== 'auto') {
      context.warnings.add('tool_choice_dropped', 'tool_choice was dropped: no tool could be sent to the target.');
    }
    return {};
  }
  const encoded: EncodedTools = { tools };
  if (context.request.toolChoice) encoded.tool_choice = encodeToolChoice(context.request.toolChoice, context);
  if (context.request.parallelToolCalls !== undefined) encoded.parallel_tool_calls = context.request.parallelToolCalls;
  return encoded;
}

function encodeTool(tool: ToolDefinition, context: ExchangeContext): ChatTool | undefined {
  switch (tool.kind) {
    case 'hosted':
      context.warnings.add('tool_dropped', `Hosted tool ${tool.type} (${tool.dialect}) has no Chat Completions equivalent; dropped.`);
      return undefined;
    case 'custom':
      return nativeCustomTools(context) ? encodeNativeCustomTool(tool, context) : encodeWrappedCustomTool(tool, context);
    case 'function':
      return encodeFunctionTool(tool, context);
  }
}

function encodeFunctionTool(tool: FunctionToolDefinition, context: ExchangeContext): ChatTool {
  const parameters = parametersOf(tool.parameters);
  const fn: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean } = {
    name: context.toolNames.wireName(tool.name, tool.namespace, 'function'),
    parameters,
  };
  const description = functionToolDescription(tool);
  if (description !== undefined) fn.description = description;
  if (tool.strict === true) {
    if (satisfiesStrictSchema(parameters)) fn.strict = true;
    else context.warnings.add('tool_strict_dropped', `Tool ${tool.name} asked for strict mode, but its schema breaks OpenAI's strict rules; sent non-strict.`);
  }
  return { type: 'function', function: fn };
}

function encodeWrappedCustomTool(tool: CustomToolDefinition, context: ExchangeContext): ChatTool {
  const description = wrappedFreeformDescription(tool, context);
  return {
    type: 'function',
    function: {
      name: context.toolNames.wireName(tool.name, tool.namespace, 'custom'),
      ...(description !== undefined ? { description } : {}),
      parameters: wrappedInputSchema(),
    },
  };
}

function encodeNativeCustomTool(tool: CustomToolDefinition, context: ExchangeContext): ChatTool {
  const description = functionToolDescription(tool);
  const custom: Extract<ChatTool, { type: 'custom' }>['custom'] = { name: context.toolNames.wireName(tool.name, tool.namespace, 'custom') };
  if (description !== undefined) custom.description = description;
  if (tool.format?.type === 'grammar') custom.format = { type: 'grammar', grammar: { definition: tool.format.definition, syntax: tool.format.syntax } };
  else if (tool.format?.type === 'text') custom.format = { type: 'text' };
  return { type: 'custom', custom };
}

function encodeToolChoice(choice: ToolChoice, context: ExchangeContext): ChatToolChoice {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool': {
      const name = context.toolNames.wireName(choice.name, choice.namespace, choice.kind);
      if (choice.kind === 'custom' && nativeCustomTools(context)) return { type: 'custom', custom: { name } };
      return { type: 'function', function: { name } };
    }
    case 'allowed':
      if (context.target.family === 'openai') {
        return {
          type: 'allowed_tools',
          allowed_tools: { mode: choice.mode, tools: choice.names.map((name) => ({ type: 'function', function: { name: context.toolNames.wireName(name) } })) },
        };
      }
      context.warnings.add('tool_choice_downgraded', `The target cannot restrict calls to a subset of tools (allowed_tools); sent as "${choice.mode}".`);
      return choice.mode;
  }
}

/** OpenAI and the compatible servers want an object schema; a bare `{}` or typeless one is completed. */
function parametersOf(parameters: Record<string, unknown> | undefined): Record<string, unknown> {
  if (parameters === undefined || Object.keys(parameters).length === 0) return { type: 'object', properties: {} };
  if (parameters.type === undefined) return { type: 'object', ...parameters };
  return parameters;
}
