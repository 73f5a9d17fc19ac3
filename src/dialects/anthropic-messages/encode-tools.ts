import type { ExchangeContext } from '../../core/dialect.ts';
import type { CustomToolDefinition, HostedToolDefinition, ToolDefinition } from '../../core/ir/index.ts';
import type { AnthropicTool, AnthropicToolChoice } from './wire.ts';
import { functionToolDescription, wrappedFreeformDescription } from '../shared/tool-descriptions.ts';
import { emptyObjectSchema, objectParameterSchema } from '../shared/object-parameter-schema.ts';

export interface EncodedTools {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

export interface ToolEncodingInput {
  /** Tools found in opaque history items (`additional_tools`, `tool_search_output`). */
  extraTools: ToolDefinition[];
  /** Wire names of the tool_use blocks in the encoded history. */
  historyToolNames: string[];
  /** Whether the encoded history holds tool_use or tool_result blocks. */
  historyHasToolBlocks: boolean;
  thinkingOn: boolean;
}

/** A freeform tool as a function taking one raw string, as Codex does for such models. */
function encodeCustomTool(tool: CustomToolDefinition, name: string, context: ExchangeContext): AnthropicTool {
  const description = wrappedFreeformDescription(tool, context);
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    input_schema: {
      type: 'object',
      properties: { input: { type: 'string', description: 'The raw tool input.' } },
      required: ['input'],
      additionalProperties: false,
    },
  };
}

function encodeHostedTool(tool: HostedToolDefinition, context: ExchangeContext): AnthropicTool | undefined {
  if (tool.dialect === 'anthropic-messages') return tool.value as AnthropicTool;
  if (tool.dialect === 'openai-responses' && (tool.type === 'web_search' || tool.type === 'web_search_preview')) {
    const value = tool.value as { user_location?: unknown; filters?: { allowed_domains?: unknown }; [key: string]: unknown };
    // Codex's default "cached" mode sends external_web_access:false: the user did not allow
    // live fetches, and Anthropic's search is always live. (A provider can also opt out.)
    if (value.external_web_access === false || context.target.quirks?.web_search === false) {
      context.warnings.add('tool_dropped', 'web_search without live web access (external_web_access:false) has no Anthropic equivalent; dropped.');
      return undefined;
    }
    const ignored = Object.keys(value).filter((key) => !['type', 'user_location', 'filters', 'external_web_access'].includes(key));
    if (ignored.length > 0) context.warnings.add('field_dropped', `web_search options ${ignored.join(', ')} have no Anthropic equivalent; dropped.`);
    return {
      type: 'web_search_20250305',
      name: 'web_search',
      ...(value.user_location !== undefined && value.user_location !== null ? { user_location: value.user_location } : {}),
      ...(Array.isArray(value.filters?.allowed_domains) ? { allowed_domains: value.filters.allowed_domains } : {}),
    };
  }
  context.warnings.add('tool_dropped', `Hosted tool ${tool.type} (${tool.dialect}) has no Anthropic equivalent; dropped.`);
  return undefined;
}

function encodeToolChoice(context: ExchangeContext, thinkingOn: boolean): AnthropicToolChoice {
  const { request, warnings, toolNames } = context;
  const choice = request.toolChoice ?? { type: 'auto' };
  let encoded: Exclude<AnthropicToolChoice, { type: 'none' }>;
  switch (choice.type) {
    case 'none':
      return { type: 'none' };
    case 'auto':
      encoded = { type: 'auto' };
      break;
    case 'required':
      encoded = { type: 'any' };
      break;
    case 'tool':
      encoded = { type: 'tool', name: toolNames.wireName(choice.name, choice.namespace, choice.kind) };
      break;
    case 'allowed':
      warnings.add('tool_choice_downgraded', 'Anthropic cannot restrict calls to a subset of tools (allowed_tools); all tools stay callable.');
      encoded = { type: choice.mode === 'required' ? 'any' : 'auto' };
      break;
  }
  if (thinkingOn && encoded.type !== 'auto') {
    // Forced tool use is rejected with thinking on: keep thinking, relax the choice.
    warnings.add('tool_choice_downgraded', `tool_choice "${encoded.type}" is not allowed with thinking; sent as "auto".`);
    encoded = { type: 'auto' };
  }
  return request.parallelToolCalls === false ? { ...encoded, disable_parallel_tool_use: true } : encoded;
}

/** The `tools` list (names flattened through the request's name map) and `tool_choice`. */
export function encodeTools(context: ExchangeContext, input: ToolEncodingInput): EncodedTools {
  const { toolNames } = context;
  const tools: AnthropicTool[] = [];
  const seen = new Set<string>();
  const push = (tool: AnthropicTool | undefined): void => {
    if (tool === undefined || seen.has(tool.name)) return;
    seen.add(tool.name);
    tools.push(tool);
  };
  const all = [...context.request.tools, ...input.extraTools];
  // Deferred loading needs a tool search next to it (Anthropic's server tool, or an
  // Anthropic client's own, as Claude Code has): otherwise the tools are sent eagerly.
  const fromAnthropicClient = context.request.extensions['anthropic-messages'] !== undefined;
  const keepDeferred =
    fromAnthropicClient || all.some((tool) => tool.kind === 'hosted' && tool.dialect === 'anthropic-messages' && tool.type.startsWith('tool_search_tool'));
  for (const tool of all) {
    if (tool.kind === 'hosted') {
      push(encodeHostedTool(tool, context));
    } else if (tool.kind === 'custom') {
      push(encodeCustomTool(tool, toolNames.wireName(tool.name, tool.namespace, 'custom'), context));
    } else {
      const description = functionToolDescription(tool);
      // Strict schemas need model support; only an Anthropic client's own choice is kept.
      const strict = tool.strict === true && fromAnthropicClient;
      if (tool.strict === true && !strict) context.warnings.add('field_dropped', `strict on tool ${tool.name} is not sent to Anthropic.`);
      push({
        name: toolNames.wireName(tool.name, tool.namespace, 'function'),
        ...(description !== undefined ? { description } : {}),
        input_schema: objectParameterSchema(tool.parameters, tool.name, context.warnings, 'Anthropic'),
        ...(tool.deferLoading && keepDeferred ? { defer_loading: true } : {}),
        ...(strict ? { strict: true } : {}),
      });
    }
  }
  if (tools.length > 0) return { tools, tool_choice: encodeToolChoice(context, input.thinkingOn) };
  if (!input.historyHasToolBlocks) return {};
  // Anthropic rejects tool_use/tool_result history in a request without tools (e.g. a
  // compaction turn): declare the names the history uses and forbid calling them.
  const names = input.historyToolNames.length > 0 ? [...new Set(input.historyToolNames)] : ['unavailable_tool'];
  context.warnings.add(
    'tool_stubs_added',
    'The history holds tool calls but the request declares no tools; placeholder tools were declared with tool_choice none.',
  );
  return {
    tools: names.map((name) => ({ name, description: 'Not available in this turn.', input_schema: emptyObjectSchema() })),
    tool_choice: { type: 'none' },
  };
}
