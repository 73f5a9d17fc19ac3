import type { ExchangeContext } from '../../core/dialect.ts';
import type { CustomToolDefinition, FunctionToolDefinition, HostedToolDefinition, ToolDefinition } from '../../core/ir/index.ts';
import { encodeParameterSchema } from './encode-schema.ts';
import { geminiExtensionOf } from './gemini-extension.ts';
import { geminiToolName } from './gemini-tool-name.ts';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './wire.ts';
import { functionToolDescription, wrappedFreeformDescription } from '../shared/tool-descriptions.ts';

export interface EncodedTools {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

function encodeFunction(tool: FunctionToolDefinition, context: ExchangeContext): GeminiFunctionDeclaration {
  if (tool.strict === true) context.warnings.add('field_dropped', `strict on tool ${tool.name} has no Gemini equivalent; dropped.`);
  return {
    name: geminiToolName(context.toolNames, tool.name, tool.namespace, 'function'),
    description: functionToolDescription(tool) ?? '',
    parametersJsonSchema: encodeParameterSchema(tool.parameters, tool.name, context.warnings),
  };
}

/** A freeform tool as a function taking one raw string, as Codex does for such models (§5.2). */
function encodeCustom(tool: CustomToolDefinition, context: ExchangeContext): GeminiFunctionDeclaration {
  return {
    name: geminiToolName(context.toolNames, tool.name, tool.namespace, 'custom'),
    description: wrappedFreeformDescription(tool, context) ?? '',
    parametersJsonSchema: { type: 'object', properties: { input: { type: 'string', description: 'The raw tool input.' } }, required: ['input'] },
  };
}

function isWebSearch(tool: HostedToolDefinition): boolean {
  return tool.dialect === 'openai-responses' && (tool.type === 'web_search' || tool.type === 'web_search_preview');
}

/**
 * `tools` and `toolConfig`. Function and freeform tools become one
 * `functionDeclarations` entry; a Gemini client's built-in tools go back verbatim. A Responses
 * `web_search` becomes `googleSearch` only when there are no function declarations: the Gemini
 * API rejects built-in tools next to functions ("Tool use with function calling is
 * unsupported"; Gemini 3 needs `includeServerSideToolInvocations` and circulates extra
 * `toolCall` parts, which the IR does not carry), so next to functions it is dropped.
 */
export function encodeTools(context: ExchangeContext, extraTools: ToolDefinition[]): EncodedTools {
  const declarations: GeminiFunctionDeclaration[] = [];
  const builtIns: GeminiTool[] = [];
  const seen = new Set<string>();
  let webSearch: HostedToolDefinition | undefined;
  for (const tool of [...context.request.tools, ...extraTools]) {
    if (tool.kind === 'hosted') {
      if (tool.dialect === 'gemini') builtIns.push(tool.value as GeminiTool);
      else if (isWebSearch(tool)) webSearch = tool;
      else context.warnings.add('tool_dropped', `Hosted tool ${tool.type} (${tool.dialect}) has no Gemini equivalent; dropped.`);
      continue;
    }
    const declaration = tool.kind === 'custom' ? encodeCustom(tool, context) : encodeFunction(tool, context);
    if (seen.has(declaration.name)) continue;
    seen.add(declaration.name);
    declarations.push(declaration);
  }
  if (webSearch !== undefined) {
    if (declarations.length === 0) {
      const ignored = Object.keys(webSearch.value).filter((key) => key !== 'type');
      if (ignored.length > 0)
        context.warnings.add('field_dropped', `web_search options ${ignored.join(', ')} have no Gemini googleSearch equivalent; dropped.`);
      builtIns.push({ googleSearch: {} });
    } else {
      context.warnings.add('tool_dropped', 'Gemini cannot combine Google Search with function declarations; web_search was dropped.');
    }
  }
  const tools: GeminiTool[] = [...(declarations.length > 0 ? [{ functionDeclarations: declarations }] : []), ...builtIns];
  const encoded: EncodedTools = {};
  if (tools.length > 0) encoded.tools = tools;
  // A function-calling config without declarations is a 400 ("Function calling config is set without function_declarations").
  const toolConfig = encodeToolConfig(context, declarations);
  if (toolConfig !== undefined) encoded.toolConfig = toolConfig;
  return encoded;
}

function encodeToolConfig(context: ExchangeContext, declarations: GeminiFunctionDeclaration[]): GeminiToolConfig | undefined {
  const { request, warnings } = context;
  const extension: GeminiToolConfig = { ...geminiExtensionOf(request).toolConfig };
  const config: GeminiToolConfig = { ...extension };
  const choice = request.toolChoice;
  if (declarations.length > 0 && choice !== undefined) {
    const declared = new Set(declarations.map((declaration) => declaration.name));
    switch (choice.type) {
      case 'auto':
        config.functionCallingConfig = { mode: 'AUTO' };
        break;
      case 'none':
        config.functionCallingConfig = { mode: 'NONE' };
        break;
      case 'required':
        config.functionCallingConfig = { mode: 'ANY' };
        break;
      case 'tool':
        config.functionCallingConfig = { mode: 'ANY', allowedFunctionNames: [geminiToolName(context.toolNames, choice.name, choice.namespace, choice.kind)] };
        break;
      case 'allowed': {
        const names = request.tools
          .filter((tool): tool is FunctionToolDefinition | CustomToolDefinition => tool.kind !== 'hosted' && choice.names.includes(tool.name))
          .map((tool) => geminiToolName(context.toolNames, tool.name, tool.namespace, tool.kind))
          .filter((name) => declared.has(name));
        if (names.length === 0) {
          warnings.add('tool_choice_downgraded', 'None of the allowed tools is declared; tool_choice sent as AUTO.');
          config.functionCallingConfig = { mode: 'AUTO' };
        } else {
          // VALIDATED = the model may answer in text, but calls are limited to the names (§6).
          config.functionCallingConfig = { mode: choice.mode === 'required' ? 'ANY' : 'VALIDATED', allowedFunctionNames: names };
        }
        break;
      }
    }
  }
  if (config.functionCallingConfig !== extension.functionCallingConfig && typeof extension.functionCallingConfig === 'object') {
    // A Gemini client's other calling options (e.g. streamFunctionCallArguments) stay.
    config.functionCallingConfig = { ...(extension.functionCallingConfig as object), ...config.functionCallingConfig };
  }
  if (declarations.length > 0 && request.parallelToolCalls === false) {
    warnings.add('parallel_tool_calls_ignored', 'Gemini cannot be told to make one call at a time; parallel_tool_calls false was not enforced.');
  }
  if (declarations.length === 0) delete config.functionCallingConfig;
  return Object.keys(config).length > 0 ? config : undefined;
}
