import { invalidRequest } from '../../core/errors.ts';
import type { ModelRequest, ReasoningEffort } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { decodeContents, decodeSystemInstruction } from './decode-contents.ts';
import { decodeOpenApiSchema } from './decode-schema.ts';
import { decodeToolConfig, decodeTools } from './decode-tools.ts';
import type { GeminiExtension } from './gemini-extension.ts';
import { isRecord } from './wire.ts';

/** Request fields the IR models; everything else travels in `extensions.gemini`. */
const modelledKeys = new Set(['model', 'contents', 'systemInstruction', 'system_instruction', 'tools', 'toolConfig', 'generationConfig']);
/** generationConfig fields the IR models (`thinkingConfig` is read, and its `includeThoughts` kept). */
const modelledGenerationKeys = new Set(['maxOutputTokens', 'temperature', 'topP', 'topK', 'stopSequences', 'responseJsonSchema', 'thinkingConfig']);

const levels: ReadonlySet<string> = new Set(['minimal', 'low', 'medium', 'high']);

function optionalNumber(config: Record<string, unknown>, key: string): number | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`generationConfig.${key} must be a number.`, `generationConfig.${key}`);
  return value;
}

/** A budget → the nearest portable effort (for upstreams that take an effort, not a budget). */
function effortFromBudget(budget: number): ReasoningEffort {
  if (budget <= 2048) return 'low';
  if (budget <= 12000) return 'medium';
  return 'high';
}

/** `thinkingConfig` → IR reasoning: a level is an effort, 0 turns it off, -1 lets the model decide. */
function decodeThinking(thinking: unknown): ModelRequest['reasoning'] {
  if (!isRecord(thinking)) return undefined;
  if (typeof thinking.thinkingLevel === 'string') {
    const level = thinking.thinkingLevel.toLowerCase();
    if (levels.has(level)) return { effort: level as ReasoningEffort };
    if (level !== 'thinking_level_unspecified')
      throw invalidRequest(
        'generationConfig.thinkingConfig.thinkingLevel must be minimal, low, medium or high.',
        'generationConfig.thinkingConfig.thinkingLevel',
      );
  }
  const budget = thinking.thinkingBudget;
  if (typeof budget === 'number') {
    if (budget === 0) return { disabled: true };
    if (budget > 0) return { budgetTokens: budget, effort: effortFromBudget(budget) };
  }
  return {};
}

/** `generationConfig` → IR fields, plus what stays in the extension. */
function decodeGenerationConfig(value: unknown, request: ModelRequest, extension: GeminiExtension): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) throw invalidRequest('generationConfig must be an object.', 'generationConfig');
  const rest: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!modelledGenerationKeys.has(key)) rest[key] = field;
  }
  const maxOutputTokens = optionalNumber(value, 'maxOutputTokens');
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  const temperature = optionalNumber(value, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(value, 'topP');
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(value, 'topK');
  if (topK !== undefined) request.topK = topK;
  if (Array.isArray(value.stopSequences)) request.stopSequences = value.stopSequences.filter((stop): stop is string => typeof stop === 'string');
  if (value.responseMimeType === 'application/json') {
    delete rest.responseMimeType;
    // responseSchema (OpenAPI) stays in the extension for a Gemini upstream; the IR gets JSON Schema.
    const schema = value.responseJsonSchema ?? value.responseSchema;
    request.responseFormat = isRecord(schema)
      ? { type: 'json_schema', schema: decodeOpenApiSchema(schema) as Record<string, unknown> }
      : { type: 'json_object' };
  } else if (value.responseJsonSchema !== undefined) {
    rest.responseJsonSchema = value.responseJsonSchema;
  }
  const reasoning = decodeThinking(value.thinkingConfig);
  if (reasoning !== undefined) request.reasoning = reasoning;
  if (isRecord(value.thinkingConfig) && typeof value.thinkingConfig.includeThoughts === 'boolean') {
    rest.thinkingConfig = { includeThoughts: value.thinkingConfig.includeThoughts };
  }
  if (Object.keys(rest).length > 0) extension.generationConfig = rest;
}

/**
 * A Gemini `generateContent` / `streamGenerateContent` body (Gemini CLI, the Google GenAI
 * SDKs) → IR. The model and the stream choice are in the URL: `model` stays '' unless the body
 * names one, and `stream` is false — the pipeline fills both from the path.
 */
export function decodeRequest(body: unknown, warnings: Warnings): ModelRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  if (!Array.isArray(body.contents)) throw invalidRequest('contents must be an array.', 'contents');

  const extension: GeminiExtension = {};
  for (const [key, value] of Object.entries(body)) {
    if (!modelledKeys.has(key)) extension[key] = value;
  }
  const request: ModelRequest = {
    model: typeof body.model === 'string' ? body.model.replace(/^models\//, '') : '',
    system: decodeSystemInstruction(body.systemInstruction ?? body.system_instruction),
    messages: decodeContents(body.contents, warnings),
    tools: decodeTools(body.tools, warnings),
    stream: false,
    // Always present (even empty): it also tells the Gemini encoder the caller speaks Gemini.
    extensions: { gemini: extension },
  };
  const toolConfig = decodeToolConfig(body.toolConfig);
  if (toolConfig.toolChoice) request.toolChoice = toolConfig.toolChoice;
  if (toolConfig.rest) extension.toolConfig = toolConfig.rest;
  decodeGenerationConfig(body.generationConfig, request, extension);
  return request;
}
