import { invalidRequest } from '../../core/errors.ts';
import type { ModelRequest, ReasoningEffort, ResponseFormat } from '../../core/ir/index.ts';
import type { Warnings } from '../../core/warnings.ts';
import { decodeMessages } from './decode-messages.ts';
import { decodeLegacyFunctionCall, decodeLegacyFunctions, decodeToolChoice, decodeTools } from './decode-tools.ts';
import { isRecord } from './wire.ts';

const EFFORTS: ReadonlySet<string> = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']);

/**
 * A Chat Completions client's body into the IR. Validation is strict on what the IR reads
 * (the error names the field); `null` means "not set"; every other top-level field
 * (`seed`, `logprobs`, `stream_options`, `store`, `service_tier`…) is kept verbatim in
 * `extensions['openai-chat']`, which is always present and marks a Chat client. `n > 1` is
 * refused: no other upstream can produce several choices.
 */
export function decodeRequest(body: unknown, warnings: Warnings): ModelRequest {
  if (!isRecord(body)) throw invalidRequest('The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model.length === 0) throw invalidRequest('model must be a non-empty string.', 'model');
  const extension: Record<string, unknown> = {};
  const request: ModelRequest = {
    model: body.model,
    system: [],
    messages: decodeMessages(body.messages, warnings),
    tools: [],
    stream: false,
    extensions: { 'openai-chat': extension },
  };

  for (const [key, value] of Object.entries(body)) {
    if (value === null && key !== 'model' && key !== 'messages') continue;
    switch (key) {
      case 'model':
      case 'messages':
      case 'tool_choice':
      case 'function_call':
        break; // model and messages above; the choices after the loop (they need the tools).
      case 'tools':
        request.tools.push(...decodeTools(value));
        break;
      case 'functions':
        request.tools.push(...decodeLegacyFunctions(value));
        break;
      case 'parallel_tool_calls':
        request.parallelToolCalls = requireType(value, 'boolean', key);
        break;
      case 'max_completion_tokens':
        request.maxOutputTokens = positiveInteger(value, key);
        break;
      case 'max_tokens':
        // The newer field wins when a client sends both.
        if (body.max_completion_tokens === undefined || body.max_completion_tokens === null) request.maxOutputTokens = positiveInteger(value, key);
        break;
      case 'temperature':
        request.temperature = requireType(value, 'number', key);
        break;
      case 'top_p':
        request.topP = requireType(value, 'number', key);
        break;
      case 'top_k':
        request.topK = requireType(value, 'number', key);
        break;
      case 'stop':
        request.stopSequences = decodeStop(value);
        break;
      case 'response_format':
        decodeResponseFormat(value, request, extension, warnings);
        break;
      case 'user':
        request.user = requireType(value, 'string', key);
        break;
      case 'safety_identifier':
        // The newer name for `user`: the IR user when `user` is absent; kept verbatim either way.
        if (typeof body.user !== 'string') request.user = requireType(value, 'string', key);
        extension[key] = value;
        break;
      case 'metadata':
        if (!isRecord(value)) throw invalidRequest('metadata must be an object.', key);
        request.metadata = value;
        break;
      case 'prompt_cache_key':
        request.promptCacheKey = requireType(value, 'string', key);
        break;
      case 'reasoning_effort':
        if (typeof value === 'string' && EFFORTS.has(value)) request.reasoning = { effort: value as ReasoningEffort };
        else extension[key] = requireType(value, 'string', key); // A level the IR does not know: passed through.
        break;
      case 'stream':
        request.stream = requireType(value, 'boolean', key);
        break;
      case 'n':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidRequest('n must be a positive integer.', key);
        if (value > 1)
          throw invalidRequest('n > 1 is not supported: the gateway returns exactly one choice. Send n: 1 (or omit it) and repeat the request instead.', key);
        extension[key] = value;
        break;
      default:
        extension[key] = value;
    }
  }

  const choice = body.tool_choice ?? body.function_call;
  if (choice !== undefined && choice !== null) {
    const decoded = body.tool_choice !== undefined && body.tool_choice !== null ? decodeToolChoice(choice) : decodeLegacyFunctionCall(choice);
    if (decoded) request.toolChoice = decoded;
    else extension.tool_choice = choice;
  }
  return request;
}

function requireType<T extends 'boolean' | 'number' | 'string'>(
  value: unknown,
  type: T,
  key: string,
): T extends 'boolean' ? boolean : T extends 'number' ? number : string {
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) throw invalidRequest(`${key} must be a ${type}.`, key);
  return value as T extends 'boolean' ? boolean : T extends 'number' ? number : string;
}

function positiveInteger(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidRequest(`${key} must be a positive integer.`, key);
  return value;
}

function decodeStop(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value as string[];
  throw invalidRequest('stop must be a string or an array of strings.', 'stop');
}

function decodeResponseFormat(value: unknown, request: ModelRequest, extension: Record<string, unknown>, warnings: Warnings): void {
  if (!isRecord(value) || typeof value.type !== 'string') throw invalidRequest('response_format must be an object with a type.', 'response_format');
  if (value.type === 'text' || value.type === 'json_object') {
    request.responseFormat = { type: value.type };
    return;
  }
  if (value.type !== 'json_schema') {
    extension.response_format = value; // A format the IR does not know: for a Chat upstream only.
    return;
  }
  const schema = value.json_schema;
  if (!isRecord(schema) || typeof schema.name !== 'string')
    throw invalidRequest('response_format.json_schema needs a name.', 'response_format.json_schema.name');
  const format: ResponseFormat = { type: 'json_schema', name: schema.name, schema: isRecord(schema.schema) ? schema.schema : {} };
  if (typeof schema.strict === 'boolean') format.strict = schema.strict;
  if (typeof schema.description === 'string') {
    warnings.add('field_dropped', 'response_format.json_schema.description has no IR slot; it was dropped.');
  }
  request.responseFormat = format;
}
