// The proto-JSON parsing step of the Gemini API: every request field must exist in the
// v1beta proto (camelCase or snake_case), have the right JSON type and a known enum value.
// Violations come back together, e.g. `Invalid JSON payload received. Unknown name
// "additionalProperties" at 'tools[0].function_declarations[0].parameters': Cannot find field.`
// — this is what rejects JSON Schema keywords in `parameters` (the OpenAPI-subset Schema).
import { isPlainObject } from './fake-http.ts';
import type { FieldViolation } from './gemini-error.ts';

type Spec =
  | { kind: 'string' | 'bool' | 'int' | 'number' | 'bytes' | 'struct' | 'any' }
  | { kind: 'enum'; typeName: string; values: readonly string[] }
  | { kind: 'message'; typeName: string; fields: () => Record<string, Spec>; oneof?: readonly string[] }
  | { kind: 'repeated'; item: Spec }
  | { kind: 'map'; value: Spec };

const string: Spec = { kind: 'string' };
const bool: Spec = { kind: 'bool' };
const int: Spec = { kind: 'int' };
const number: Spec = { kind: 'number' };
const struct: Spec = { kind: 'struct' };
const any: Spec = { kind: 'any' };
const list = (item: Spec): Spec => ({ kind: 'repeated', item });
const v1beta = (name: string) => `google.ai.generativelanguage.v1beta.${name}`;
const message = (name: string, fields: () => Record<string, Spec>, oneof?: readonly string[]): Spec => ({
  kind: 'message',
  typeName: v1beta(name),
  fields,
  ...(oneof ? { oneof } : {}),
});
const enumOf = (name: string, values: readonly string[]): Spec => ({ kind: 'enum', typeName: v1beta(name), values });

/** The OpenAPI 3 subset Gemini's `parameters` / `responseSchema` accept (no $ref, additionalProperties, const, oneOf…). */
const schema: Spec = message('Schema', () => ({
  type: enumOf('Type', ['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']),
  format: string,
  title: string,
  description: string,
  nullable: bool,
  enum: list(string),
  maxItems: int,
  minItems: int,
  properties: { kind: 'map', value: schema },
  required: list(string),
  minProperties: int,
  maxProperties: int,
  minLength: int,
  maxLength: int,
  pattern: string,
  example: any,
  anyOf: list(schema),
  propertyOrdering: list(string),
  default: any,
  items: schema,
  minimum: number,
  maximum: number,
}));

export const partDataFields = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'] as const;

const part = message(
  'Part',
  () => ({
    text: string,
    inlineData: message('Blob', () => ({ mimeType: string, data: { kind: 'bytes' } })),
    fileData: message('FileData', () => ({ mimeType: string, fileUri: string })),
    functionCall: message('FunctionCall', () => ({ id: string, name: string, args: struct })),
    functionResponse: message('FunctionResponse', () => ({
      id: string,
      name: string,
      response: struct,
      parts: list(any),
      willContinue: bool,
      scheduling: any,
    })),
    executableCode: any,
    codeExecutionResult: any,
    thought: bool,
    thoughtSignature: { kind: 'bytes' },
    videoMetadata: any,
    mediaResolution: any,
    partMetadata: struct,
  }),
  partDataFields,
);
const content = message('Content', () => ({ role: string, parts: list(part) }));
const functionDeclaration = message('FunctionDeclaration', () => ({
  name: string,
  description: string,
  behavior: enumOf('FunctionDeclaration.Behavior', ['UNSPECIFIED', 'BLOCKING', 'NON_BLOCKING']),
  parameters: schema,
  parametersJsonSchema: any,
  response: schema,
  responseJsonSchema: any,
}));
const tool = message('Tool', () => ({
  functionDeclarations: list(functionDeclaration),
  googleSearch: any,
  googleSearchRetrieval: any,
  codeExecution: any,
  urlContext: any,
  computerUse: any,
  fileSearch: any,
  googleMaps: any,
}));
const generationConfig = message('GenerationConfig', () => ({
  stopSequences: list(string),
  responseMimeType: string,
  responseSchema: schema,
  responseJsonSchema: any,
  responseModalities: list(any),
  candidateCount: int,
  maxOutputTokens: int,
  temperature: number,
  topP: number,
  topK: int,
  seed: int,
  presencePenalty: number,
  frequencyPenalty: number,
  responseLogprobs: bool,
  logprobs: int,
  enableEnhancedCivicAnswers: bool,
  speechConfig: any,
  mediaResolution: any,
  imageConfig: any,
  thinkingConfig: message('ThinkingConfig', () => ({
    includeThoughts: bool,
    thinkingBudget: int,
    thinkingLevel: enumOf('ThinkingConfig.ThinkingLevel', ['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH']),
  })),
}));
const toolConfig = message('ToolConfig', () => ({
  functionCallingConfig: message('FunctionCallingConfig', () => ({
    mode: enumOf('FunctionCallingConfig.Mode', ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']),
    allowedFunctionNames: list(string),
  })),
  retrievalConfig: any,
}));
const generateContentFields = () => ({
  model: string,
  contents: list(content),
  tools: list(tool),
  toolConfig,
  safetySettings: list(any),
  systemInstruction: content,
  generationConfig,
  cachedContent: string,
});
export const generateContentRequestSpec = message('GenerateContentRequest', generateContentFields);
export const countTokensRequestSpec = message('CountTokensRequest', () => ({
  contents: list(content),
  generateContentRequest: message('GenerateContentRequest', generateContentFields),
}));

export const toCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
const toSnake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Reads a proto field written either as camelCase or snake_case. */
export function readField(object: Record<string, any>, camelName: string): any {
  return object[camelName] ?? object[toSnake(camelName)];
}

export function parseGeminiPayload(body: Record<string, unknown>, root: Spec): FieldViolation[] {
  const violations: FieldViolation[] = [];
  walkMessage(body, root as Extract<Spec, { kind: 'message' }>, '', violations);
  return violations;
}

function walkMessage(object: Record<string, unknown>, spec: Extract<Spec, { kind: 'message' }>, at: string, out: FieldViolation[]): void {
  const fields = spec.fields();
  let oneofSet = false;
  for (const [key, value] of Object.entries(object)) {
    const camel = toCamel(key);
    const fieldSpec = fields[camel];
    const where = at ? ` at '${at}'` : '';
    if (!fieldSpec) {
      out.push({ ...(at ? { field: at } : {}), description: `Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.` });
      continue;
    }
    if (value === null) continue;
    const childAt = at ? `${at}.${toSnake(camel)}` : toSnake(camel);
    if (spec.oneof?.includes(camel)) {
      if (oneofSet) {
        out.push({ field: at, description: `Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${key}'` });
        continue;
      }
      oneofSet = true;
    }
    if (Array.isArray(value) && fieldSpec.kind !== 'repeated' && fieldSpec.kind !== 'any') {
      out.push({
        ...(at ? { field: at } : {}),
        description: `Invalid JSON payload received. Unknown name "${key}"${where}: Proto field is not repeating, cannot start list.`,
      });
      continue;
    }
    walkValue(value, fieldSpec, childAt, out);
  }
}

function walkValue(value: unknown, spec: Spec, at: string, out: FieldViolation[]): void {
  const invalid = (typeName: string) => out.push({ field: at, description: `Invalid value at '${at}' (${typeName}), ${JSON.stringify(value)}` });
  switch (spec.kind) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') invalid('TYPE_STRING');
      return;
    case 'bool':
      if (typeof value !== 'boolean') invalid('TYPE_BOOL');
      return;
    case 'int':
      if (!(Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value)))) invalid('TYPE_INT32');
      return;
    case 'number':
      if (typeof value !== 'number') invalid('TYPE_FLOAT');
      return;
    case 'bytes':
      if (typeof value !== 'string') invalid('TYPE_BYTES');
      else if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
        out.push({ field: at, description: `Invalid value at '${at}' (TYPE_BYTES), Base64 decoding failed for ${JSON.stringify(value)}` });
      }
      return;
    case 'struct':
      if (!isPlainObject(value)) invalid('type.googleapis.com/google.protobuf.Struct');
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value.toUpperCase())) invalid(`type.googleapis.com/${spec.typeName}`);
      return;
    case 'message':
      if (!isPlainObject(value)) invalid(`type.googleapis.com/${spec.typeName}`);
      else walkMessage(value, spec, at, out);
      return;
    case 'repeated':
      if (!Array.isArray(value)) return void walkValue([value], spec, at, out);
      value.forEach((item, index) => walkValue(item, spec.item, `${at}[${index}]`, out));
      return;
    case 'map':
      if (!isPlainObject(value)) invalid('map');
      else Object.values(value).forEach((item, index) => walkValue(item, spec.value, `${at}[${index}].value`, out));
      return;
  }
}
