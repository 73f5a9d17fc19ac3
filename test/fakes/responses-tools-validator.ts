// Validates the `tools` array of a Responses request the way the OpenAI API does:
// function/custom names ^[a-zA-Z0-9_-]+$ (max 64), function `parameters` present and an object
// (strict schemas must close every object), namespaces need `tools[]`, unknown types -> 400.
import { describeJsonType, isPlainObject } from './fake-http.ts';
import { invalidType, invalidValue, missingParameter, openAIError, type OpenAIRejection } from './openai-error.ts';

export const supportedToolTypes = [
  'function',
  'custom',
  'namespace',
  'web_search',
  'web_search_preview',
  'web_search_2025_08_26',
  'web_search_preview_2025_03_11',
  'file_search',
  'computer_use_preview',
  'code_interpreter',
  'image_generation',
  'mcp',
  'local_shell',
  'shell',
  'apply_patch',
  'tool_search',
] as const;

const namePattern = /^[a-zA-Z0-9_-]+$/;
const maximumNameLength = 64;

export function validateTools(tools: unknown, path = 'tools'): OpenAIRejection | undefined {
  if (!Array.isArray(tools)) return invalidType(path, 'an array', describeJsonType(tools));
  for (const [index, tool] of tools.entries()) {
    const rejection = validateTool(tool, `${path}[${index}]`, path === 'tools');
    if (rejection) return rejection;
  }
  return undefined;
}

function validateTool(tool: unknown, path: string, topLevel: boolean): OpenAIRejection | undefined {
  if (!isPlainObject(tool)) return invalidType(path, 'an object', describeJsonType(tool));
  if (tool.type === undefined) return missingParameter(`${path}.type`);
  // Inside a namespace only callable tools make sense; hosted tools are top-level only.
  const allowed: readonly string[] = topLevel ? supportedToolTypes : ['function', 'custom'];
  if (!allowed.includes(tool.type)) return invalidValue(`${path}.type`, tool.type, allowed);
  if (tool.type === 'function') return validateFunctionTool(tool, path);
  if (tool.type === 'custom') return validateCustomTool(tool, path);
  if (tool.type === 'namespace') {
    const nameRejection = validateToolName(tool.name, `${path}.name`);
    if (nameRejection) return nameRejection;
    if (tool.tools === undefined) return missingParameter(`${path}.tools`);
    return validateTools(tool.tools, `${path}.tools`);
  }
  return undefined;
}

export function validateToolName(name: unknown, path: string): OpenAIRejection | undefined {
  if (name === undefined) return missingParameter(path);
  if (typeof name !== 'string') return invalidType(path, 'a string', describeJsonType(name));
  if (name.length > maximumNameLength) {
    return openAIError(
      400,
      `Invalid '${path}': string too long. Expected a string with maximum length ${maximumNameLength}, but got a string with length ${name.length} instead.`,
      { param: path, code: 'string_above_max_length' },
    );
  }
  if (!namePattern.test(name)) {
    return openAIError(400, `Invalid '${path}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, {
      param: path,
      code: 'invalid_value',
    });
  }
  return undefined;
}

function validateFunctionTool(tool: Record<string, any>, path: string): OpenAIRejection | undefined {
  const nameRejection = validateToolName(tool.name, `${path}.name`);
  if (nameRejection) return nameRejection;
  if (!('parameters' in tool)) return missingParameter(`${path}.parameters`);
  if (tool.parameters !== null && !isPlainObject(tool.parameters)) {
    return invalidType(`${path}.parameters`, 'an object', describeJsonType(tool.parameters));
  }
  if (tool.strict !== undefined && typeof tool.strict !== 'boolean') {
    return invalidType(`${path}.strict`, 'a boolean', describeJsonType(tool.strict));
  }
  if (tool.strict === true && isPlainObject(tool.parameters)) {
    const problem = findStrictSchemaProblem(tool.parameters, []);
    if (problem) {
      return openAIError(400, `Invalid schema for function '${tool.name}': ${problem}`, {
        param: `${path}.parameters`,
        code: 'invalid_function_parameters',
      });
    }
  }
  return undefined;
}

/** Structured-outputs rule: every object lists all its properties in `required` and sets additionalProperties:false. */
function findStrictSchemaProblem(schema: Record<string, any>, context: string[]): string | undefined {
  const where = `In context=(${context.map((entry) => `'${entry}'`).join(', ')}${context.length === 1 ? ',' : ''})`;
  if (schema.type === 'object' || isPlainObject(schema.properties)) {
    if (schema.additionalProperties !== false) {
      return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const properties = isPlainObject(schema.properties) ? schema.properties : {};
    const required: unknown[] = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties).find((key) => !required.includes(key));
    if (missing !== undefined) {
      return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    }
    for (const [key, child] of Object.entries(properties)) {
      if (isPlainObject(child)) {
        const problem = findStrictSchemaProblem(child, [...context, 'properties', key]);
        if (problem) return problem;
      }
    }
  }
  if (isPlainObject(schema.items)) return findStrictSchemaProblem(schema.items, [...context, 'items']);
  return undefined;
}

function validateCustomTool(tool: Record<string, any>, path: string): OpenAIRejection | undefined {
  const nameRejection = validateToolName(tool.name, `${path}.name`);
  if (nameRejection) return nameRejection;
  if (tool.format === undefined) return undefined;
  if (!isPlainObject(tool.format)) return invalidType(`${path}.format`, 'an object', describeJsonType(tool.format));
  if (!['text', 'grammar'].includes(tool.format.type)) {
    return invalidValue(`${path}.format.type`, tool.format.type, ['text', 'grammar']);
  }
  if (tool.format.type === 'grammar') {
    if (!['lark', 'regex'].includes(tool.format.syntax)) {
      return invalidValue(`${path}.format.syntax`, tool.format.syntax, ['lark', 'regex']);
    }
    if (typeof tool.format.definition !== 'string') return missingParameter(`${path}.format.definition`);
  }
  return undefined;
}
