import type { ModelRequest, ReasoningEffort, ResponseFormat } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { invalidRequest } from '../../core/errors.ts';
import { decodeInputItems } from './decode-input-items.ts';
import { decodeToolChoice, decodeTools } from './decode-tools.ts';
import { isRecord } from './wire.ts';

const EFFORTS: ReadonlySet<string> = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

/**
 * A client's `POST /v1/responses` body into the IR. Validation is strict on what the IR reads
 * (the error names the field); every other top-level field, and every IR field whose value the
 * IR cannot hold (`null`, an unknown effort…), is kept verbatim in `extensions['openai-responses']`
 * so the same dialect's encoder can put it back. That extension object is always present: it
 * also marks the request as coming from a Responses client.
 */
export function decodeRequest(body: unknown, _warnings: Warnings): ModelRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.length === 0) throw invalidRequest('model must be a non-empty string.', 'model');
  if (body.input === undefined) throw invalidRequest('input is required.', 'input');
  const extension: Record<string, unknown> = {};
  const request: ModelRequest = {
    model: body.model,
    system: [],
    messages: decodeInputItems(body.input),
    tools: [],
    stream: false,
    extensions: { 'openai-responses': extension },
  };

  for (const [key, value] of Object.entries(body)) {
    switch (key) {
      case 'model':
      case 'input':
        break;
      case 'instructions':
        if (typeof value === 'string') request.system = [{ type: 'text', text: value }];
        else if (value === null || Array.isArray(value)) extension[key] = value;
        else throw invalidRequest('instructions must be a string.', key);
        break;
      case 'tools':
        request.tools = decodeTools(value);
        // An explicit empty list has no IR meaning but must come back as sent.
        if (request.tools.length === 0) extension[key] = value;
        break;
      case 'tool_choice':
        break; // After the loop: it needs the decoded tools.
      case 'parallel_tool_calls':
        if (typeof value === 'boolean') request.parallelToolCalls = value;
        else keepNullable(extension, key, value, 'a boolean');
        break;
      case 'reasoning':
        decodeReasoning(value, request, extension);
        break;
      case 'max_output_tokens':
        if (typeof value === 'number' && Number.isInteger(value) && value > 0) request.maxOutputTokens = value;
        else keepNullable(extension, key, value, 'a positive integer');
        break;
      case 'temperature':
        if (typeof value === 'number') request.temperature = value;
        else keepNullable(extension, key, value, 'a number');
        break;
      case 'top_p':
        if (typeof value === 'number') request.topP = value;
        else keepNullable(extension, key, value, 'a number');
        break;
      case 'text':
        decodeText(value, request, extension);
        break;
      case 'metadata':
        if (isRecord(value)) request.metadata = value;
        else keepNullable(extension, key, value, 'an object');
        break;
      case 'user':
        if (typeof value === 'string') request.user = value;
        else keepNullable(extension, key, value, 'a string');
        break;
      case 'safety_identifier':
        // The newer name for `user`: the IR user when `user` is absent; kept verbatim either way.
        if (typeof value === 'string') {
          if (typeof body.user !== 'string') request.user = value;
        } else if (value !== null) throw invalidRequest('safety_identifier must be a string.', key);
        extension[key] = value;
        break;
      case 'prompt_cache_key':
        if (typeof value === 'string') request.promptCacheKey = value;
        else keepNullable(extension, key, value, 'a string');
        break;
      case 'stream':
        if (typeof value === 'boolean') request.stream = value;
        else keepNullable(extension, key, value, 'a boolean');
        break;
      default:
        extension[key] = value;
    }
  }

  if (body.tool_choice !== undefined) {
    const choice = body.tool_choice === null ? undefined : decodeToolChoice(body.tool_choice, request.tools);
    if (choice) request.toolChoice = choice;
    else extension.tool_choice = body.tool_choice;
  }
  return request;
}

function keepNullable(extension: Record<string, unknown>, key: string, value: unknown, expected: string): void {
  if (value !== null) throw invalidRequest(`${key} must be ${expected}.`, key);
  extension[key] = value;
}

function decodeReasoning(value: unknown, request: ModelRequest, extension: Record<string, unknown>): void {
  if (value === null) {
    extension.reasoning = null;
    return;
  }
  if (!isRecord(value)) throw invalidRequest('reasoning must be an object.', 'reasoning');
  const { effort, summary, ...rest } = value;
  const reasoning: NonNullable<ModelRequest['reasoning']> = {};
  if (typeof effort === 'string' && EFFORTS.has(effort)) reasoning.effort = effort as ReasoningEffort;
  else if (effort !== undefined) {
    if (effort !== null && typeof effort !== 'string') throw invalidRequest('reasoning.effort must be a string.', 'reasoning.effort');
    rest.effort = effort; // A level the IR does not know (e.g. a newer model's): passed through as is.
  }
  if (typeof summary === 'string') reasoning.summary = summary;
  else if (summary !== undefined) {
    if (summary !== null) throw invalidRequest('reasoning.summary must be a string.', 'reasoning.summary');
    rest.summary = summary;
  }
  request.reasoning = reasoning;
  if (Object.keys(rest).length > 0) extension.reasoning = rest;
}

function decodeText(value: unknown, request: ModelRequest, extension: Record<string, unknown>): void {
  if (!isRecord(value)) {
    if (value !== null) throw invalidRequest('text must be an object.', 'text');
    extension.text = value;
    return;
  }
  const { format, ...rest } = value;
  const decoded = format === undefined ? undefined : decodeFormat(format);
  if (decoded) request.responseFormat = decoded;
  else if (format !== undefined) rest.format = format;
  // Kept even when empty so that `text: {format}` and no `text` at all stay distinct.
  extension.text = rest;
}

/** `text.format`, or undefined when it has a shape the IR would not give back exactly. */
function decodeFormat(format: unknown): ResponseFormat | undefined {
  if (!isRecord(format)) {
    if (format !== null) throw invalidRequest('text.format must be an object.', 'text.format');
    return undefined;
  }
  const keys = Object.keys(format);
  if (format.type === 'text' && keys.length === 1) return { type: 'text' };
  if (format.type === 'json_object' && keys.length === 1) return { type: 'json_object' };
  if (format.type !== 'json_schema') return undefined;
  if (!isRecord(format.schema)) throw invalidRequest('text.format.schema must be an object.', 'text.format.schema');
  if (!keys.every((key) => key === 'type' || key === 'name' || key === 'schema' || key === 'strict')) return undefined;
  if (format.name !== undefined && typeof format.name !== 'string') return undefined;
  if (format.strict !== undefined && typeof format.strict !== 'boolean') return undefined;
  const decoded: ResponseFormat = { type: 'json_schema', schema: format.schema };
  if (typeof format.name === 'string') decoded.name = format.name;
  if (typeof format.strict === 'boolean') decoded.strict = format.strict;
  return decoded;
}
