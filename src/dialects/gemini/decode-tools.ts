import { invalidRequest } from '../../core/errors.ts';
import type { ToolChoice, ToolDefinition } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { decodeOpenApiSchema } from './decode-schema.ts';
import { isRecord } from './wire.ts';

/**
 * Gemini `tools` → IR tools. Each entry may hold `functionDeclarations` (functions, with
 * `parametersJsonSchema` — also spelled `parameters_json_schema` by the Python SDK — or the
 * OpenAPI-subset `parameters`) and built-in tools (`googleSearch`, `codeExecution`,
 * `urlContext`…), which become hosted tools of dialect `gemini` carried verbatim.
 */
export function decodeTools(tools: unknown, warnings: Warnings): ToolDefinition[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalidRequest('tools must be an array.', 'tools');
  const decoded: ToolDefinition[] = [];
  tools.forEach((tool, index) => {
    if (!isRecord(tool)) throw invalidRequest(`tools[${index}] must be an object.`, `tools[${index}]`);
    for (const [key, value] of Object.entries(tool)) {
      if (key !== 'functionDeclarations' && key !== 'function_declarations') {
        decoded.push({ kind: 'hosted', dialect: 'gemini', type: key, value: { [key]: value } });
        continue;
      }
      if (!Array.isArray(value)) throw invalidRequest(`tools[${index}].${key} must be an array.`, `tools[${index}].${key}`);
      value.forEach((declaration, position) => {
        const path = `tools[${index}].${key}[${position}]`;
        if (!isRecord(declaration) || typeof declaration.name !== 'string' || declaration.name === '')
          throw invalidRequest(`${path}.name is required.`, `${path}.name`);
        const jsonSchema = declaration.parametersJsonSchema ?? declaration.parameters_json_schema;
        const parameters = isRecord(jsonSchema)
          ? jsonSchema
          : isRecord(declaration.parameters)
            ? (decodeOpenApiSchema(declaration.parameters) as Record<string, unknown>)
            : undefined;
        const ignored = Object.keys(declaration).filter(
          (field) => !['name', 'description', 'parameters', 'parametersJsonSchema', 'parameters_json_schema'].includes(field),
        );
        if (ignored.length > 0)
          warnings.add('field_dropped', `Function declaration fields ${ignored.join(', ')} of ${declaration.name} have no portable form; dropped.`);
        decoded.push({
          kind: 'function',
          name: declaration.name,
          ...(typeof declaration.description === 'string' && declaration.description !== '' ? { description: declaration.description } : {}),
          ...(parameters !== undefined ? { parameters } : {}),
        });
      });
    }
  });
  return decoded;
}

/**
 * `toolConfig.functionCallingConfig` → IR tool choice; its other fields (and the rest of
 * `toolConfig`) are returned for the extension so a Gemini upstream gets them back.
 */
export function decodeToolConfig(toolConfig: unknown): { toolChoice?: ToolChoice; rest?: Record<string, unknown> } {
  if (!isRecord(toolConfig)) return {};
  const { functionCallingConfig, ...others } = toolConfig;
  const rest: Record<string, unknown> = { ...others };
  let toolChoice: ToolChoice | undefined;
  if (isRecord(functionCallingConfig)) {
    const { mode, allowedFunctionNames, ...callingRest } = functionCallingConfig;
    if (Object.keys(callingRest).length > 0) rest.functionCallingConfig = callingRest;
    const names = Array.isArray(allowedFunctionNames) ? allowedFunctionNames.filter((name): name is string => typeof name === 'string') : [];
    switch (mode) {
      case 'NONE':
        toolChoice = { type: 'none' };
        break;
      case 'ANY':
        if (names.length === 1) toolChoice = { type: 'tool', name: names[0] as string, kind: 'function' };
        else toolChoice = names.length > 1 ? { type: 'allowed', mode: 'required', names } : { type: 'required' };
        break;
      case 'VALIDATED':
        toolChoice = names.length > 0 ? { type: 'allowed', mode: 'auto', names } : { type: 'auto' };
        break;
      case 'AUTO':
        toolChoice = { type: 'auto' };
        break;
      case undefined:
        break;
      default:
        throw invalidRequest('toolConfig.functionCallingConfig.mode must be AUTO, ANY, NONE or VALIDATED.', 'toolConfig.functionCallingConfig.mode');
    }
  }
  return { ...(toolChoice ? { toolChoice } : {}), ...(Object.keys(rest).length > 0 ? { rest } : {}) };
}
