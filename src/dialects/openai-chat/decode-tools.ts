import { invalidRequest } from '../../core/errors.ts';
import type { CustomToolDefinition, FunctionToolDefinition, ToolChoice, ToolDefinition } from '../../core/ir/index.ts';
import { isRecord } from './wire.ts';

/**
 * `tools[]` (and the legacy `functions[]`) into IR definitions: functions, OpenAI freeform
 * `custom` tools, and anything else kept verbatim as a hosted definition of this dialect.
 */
export function decodeTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) throw invalidRequest('tools must be an array.', 'tools');
  return tools.map((tool, index): ToolDefinition => {
    const path = `tools[${index}]`;
    if (!isRecord(tool) || typeof tool.type !== 'string') throw invalidRequest(`${path} must be an object with a type.`, `${path}.type`);
    if (tool.type === 'function') {
      if (!isRecord(tool.function)) throw invalidRequest(`${path}.function must be an object.`, `${path}.function`);
      return decodeFunction(tool.function, `${path}.function`);
    }
    if (tool.type === 'custom') {
      if (!isRecord(tool.custom)) throw invalidRequest(`${path}.custom must be an object.`, `${path}.custom`);
      return decodeCustom(tool.custom, `${path}.custom`);
    }
    return { kind: 'hosted', dialect: 'openai-chat', type: tool.type, value: tool };
  });
}

/** The deprecated `functions: [{name, description, parameters}]`. */
export function decodeLegacyFunctions(functions: unknown): ToolDefinition[] {
  if (!Array.isArray(functions)) throw invalidRequest('functions must be an array.', 'functions');
  return functions.map((fn, index) => {
    if (!isRecord(fn)) throw invalidRequest(`functions[${index}] must be an object.`, `functions[${index}]`);
    return decodeFunction(fn, `functions[${index}]`);
  });
}

function decodeFunction(fn: Record<string, unknown>, path: string): FunctionToolDefinition {
  const definition: FunctionToolDefinition = { kind: 'function', name: requireName(fn.name, `${path}.name`) };
  if (typeof fn.description === 'string') definition.description = fn.description;
  if (fn.parameters !== undefined && fn.parameters !== null) {
    if (!isRecord(fn.parameters)) throw invalidRequest(`${path}.parameters must be a JSON Schema object.`, `${path}.parameters`);
    definition.parameters = fn.parameters;
  }
  if (typeof fn.strict === 'boolean') definition.strict = fn.strict;
  return definition;
}

function decodeCustom(custom: Record<string, unknown>, path: string): CustomToolDefinition {
  const definition: CustomToolDefinition = { kind: 'custom', name: requireName(custom.name, `${path}.name`) };
  if (typeof custom.description === 'string') definition.description = custom.description;
  const format = custom.format;
  if (format === undefined || format === null) return definition;
  if (!isRecord(format)) throw invalidRequest(`${path}.format must be an object.`, `${path}.format`);
  if (format.type === 'text') definition.format = { type: 'text' };
  else if (
    format.type === 'grammar' &&
    isRecord(format.grammar) &&
    typeof format.grammar.definition === 'string' &&
    typeof format.grammar.syntax === 'string'
  ) {
    definition.format = { type: 'grammar', syntax: format.grammar.syntax, definition: format.grammar.definition };
  } else throw invalidRequest(`${path}.format must be {type:"text"} or {type:"grammar", grammar:{definition, syntax}}.`, `${path}.format`);
  return definition;
}

/** `tool_choice` into the IR, or undefined when it has no IR form (kept verbatim by the caller). */
export function decodeToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { type: choice };
  if (typeof choice === 'string') throw invalidRequest('tool_choice must be auto, none, required or an object.', 'tool_choice');
  if (!isRecord(choice)) throw invalidRequest('tool_choice must be a string or an object.', 'tool_choice');
  if (choice.type === 'function' && isRecord(choice.function))
    return { type: 'tool', name: requireName(choice.function.name, 'tool_choice.function.name'), kind: 'function' };
  if (choice.type === 'custom' && isRecord(choice.custom))
    return { type: 'tool', name: requireName(choice.custom.name, 'tool_choice.custom.name'), kind: 'custom' };
  if (choice.type === 'allowed_tools' && isRecord(choice.allowed_tools)) {
    const { mode, tools } = choice.allowed_tools;
    if ((mode !== 'auto' && mode !== 'required') || !Array.isArray(tools))
      throw invalidRequest('tool_choice.allowed_tools needs a mode (auto|required) and tools.', 'tool_choice.allowed_tools');
    const names = tools.map((tool, index) => {
      const inner = isRecord(tool) ? (isRecord(tool.function) ? tool.function : isRecord(tool.custom) ? tool.custom : undefined) : undefined;
      return requireName(inner?.name, `tool_choice.allowed_tools.tools[${index}].function.name`);
    });
    return { type: 'allowed', mode, names };
  }
  return undefined;
}

/** The deprecated `function_call: "none" | "auto" | {name}`. */
export function decodeLegacyFunctionCall(choice: unknown): ToolChoice | undefined {
  if (choice === 'none' || choice === 'auto') return { type: choice };
  if (isRecord(choice)) return { type: 'tool', name: requireName(choice.name, 'function_call.name'), kind: 'function' };
  throw invalidRequest('function_call must be none, auto or {"name": …}.', 'function_call');
}

function requireName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidRequest(`${path} must be a non-empty string.`, path);
  return value;
}
