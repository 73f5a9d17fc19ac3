import type { ExchangeContext } from '../../core/dialect.ts';
import { functionToolDescription, wrappedFreeformDescription } from '../shared/tool-descriptions.ts';
import { emptyObjectSchema, objectParameterSchema } from '../shared/object-parameter-schema.ts';
import type { ConverseCachePoint, ConverseRequest, ConverseToolChoice, ConverseToolSpec } from './wire.ts';

function encodeToolChoice(context: ExchangeContext, thinkingOn: boolean): ConverseToolChoice | undefined {
  const { request, warnings, toolNames } = context;
  const choice = request.toolChoice;
  if (request.parallelToolCalls === false)
    warnings.add('field_dropped', 'Bedrock Converse cannot forbid parallel tool calls; parallel_tool_calls false dropped.');
  if (choice === undefined || choice.type === 'auto') return undefined;
  let encoded: ConverseToolChoice;
  switch (choice.type) {
    case 'none':
      // The tools stay declared (a history with tool blocks needs them): nothing forbids a call.
      warnings.add('tool_choice_downgraded', 'Bedrock Converse has no tool_choice "none"; sent as "auto".');
      return undefined;
    case 'required':
      encoded = { any: {} };
      break;
    case 'tool':
      encoded = { tool: { name: toolNames.wireName(choice.name, choice.namespace, choice.kind) } };
      break;
    case 'allowed':
      warnings.add('tool_choice_downgraded', 'Bedrock Converse cannot restrict calls to a subset of tools (allowed_tools); all tools stay callable.');
      if (choice.mode !== 'required') return undefined;
      encoded = { any: {} };
      break;
  }
  if (thinkingOn) {
    warnings.add('tool_choice_downgraded', 'Forced tool use is not allowed with thinking; sent as "auto".');
    return undefined;
  }
  return encoded;
}

/**
 * `toolConfig`: function tools as `toolSpec`s, freeform tools as functions taking `{input}`,
 * hosted tools dropped. Tools a replayed call names but the request no longer declares are
 * declared as stubs (Bedrock refuses toolUse blocks without a toolConfig naming them).
 */
export function encodeToolConfig(
  context: ExchangeContext,
  historyToolNames: readonly string[],
  thinkingOn: boolean,
  cachePoint: boolean,
): ConverseRequest['toolConfig'] {
  const { toolNames } = context;
  const tools: Array<ConverseToolSpec | ConverseCachePoint> = [];
  const seen = new Set<string>();
  const push = (spec: ConverseToolSpec['toolSpec']) => {
    if (seen.has(spec.name)) return;
    seen.add(spec.name);
    tools.push({ toolSpec: spec });
  };
  for (const tool of context.request.tools) {
    if (tool.kind === 'hosted') {
      context.warnings.add('tool_dropped', `Hosted tool ${tool.type} (${tool.dialect}) has no Bedrock Converse equivalent; dropped.`);
    } else if (tool.kind === 'custom') {
      const description = wrappedFreeformDescription(tool, context);
      push({
        name: toolNames.wireName(tool.name, tool.namespace, 'custom'),
        ...(description !== undefined ? { description } : {}),
        inputSchema: { json: { type: 'object', properties: { input: { type: 'string', description: 'The raw tool input.' } }, required: ['input'] } },
      });
    } else {
      const description = functionToolDescription(tool);
      push({
        name: toolNames.wireName(tool.name, tool.namespace, 'function'),
        ...(description !== undefined ? { description } : {}),
        inputSchema: { json: objectParameterSchema(tool.parameters, tool.name, context.warnings, 'Bedrock') },
      });
    }
  }
  for (const name of historyToolNames) {
    if (!seen.has(name)) push({ name, description: 'A tool used earlier in this conversation.', inputSchema: { json: emptyObjectSchema() } });
  }
  if (tools.length === 0) return undefined;
  if (cachePoint) tools.push({ cachePoint: { type: 'default' } });
  const toolChoice = encodeToolChoice(context, thinkingOn);
  return toolChoice ? { tools, toolChoice } : { tools };
}
