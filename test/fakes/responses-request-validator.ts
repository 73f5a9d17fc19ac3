// Top-level validation of POST /v1/responses bodies: unknown parameters, model, input, tools,
// sampling ranges (test/fixtures/providers/openai-responses/error-400-invalid-param.json), include values,
// reasoning settings and the stored-state rules around previous_response_id.
import { describeJsonType, isPlainObject } from './fake-http.ts';
import { invalidType, invalidValue, missingParameter, openAIError, type OpenAIRejection } from './openai-error.ts';
import { validateInput, type InputValidationContext } from './responses-input-validator.ts';
import { validateTools } from './responses-tools-validator.ts';

export type ResponsesValidationContext = Omit<InputValidationContext, 'store'> & {
  isStoredResponseId(id: string): boolean;
  knownModels?: readonly string[];
};

/** The context codec unit tests validate an encoded body with: every id and encrypted blob counts as one the API issued. */
export const encodedRequestContext: ResponsesValidationContext = {
  isIssuedEncryptedContent: () => true,
  isStoredItemId: () => true,
  isStoredResponseId: () => true,
};

const knownParameters = new Set([
  'background',
  'client_metadata',
  'context_management',
  'conversation',
  'include',
  'input',
  'instructions',
  'max_output_tokens',
  'max_tool_calls',
  'metadata',
  'model',
  'parallel_tool_calls',
  'previous_response_id',
  'prompt',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning',
  'safety_identifier',
  'service_tier',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'text',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'truncation',
  'user',
]);

const includeValues = [
  'code_interpreter_call.outputs',
  'computer_call_output.output.image_url',
  'file_search_call.results',
  'message.input_image.image_url',
  'message.output_text.logprobs',
  'reasoning.encrypted_content',
  'web_search_call.action.sources',
  'web_search_call.results',
] as const;

const efforts = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
const summaries = ['auto', 'concise', 'detailed'] as const;
const toolChoiceModes = ['none', 'auto', 'required'] as const;

export function validateResponsesRequest(body: unknown, context: ResponsesValidationContext): OpenAIRejection | undefined {
  if (!isPlainObject(body)) return invalidType('body', 'an object', describeJsonType(body));
  for (const key of Object.keys(body)) {
    if (!knownParameters.has(key)) return openAIError(400, `Unknown parameter: '${key}'.`, { param: key, code: 'unknown_parameter' });
  }
  if (body.model === undefined) return missingParameter('model');
  if (typeof body.model !== 'string') return invalidType('model', 'a string', describeJsonType(body.model));
  if (context.knownModels && !context.knownModels.includes(body.model)) {
    return openAIError(400, `The requested model '${body.model}' does not exist.`, { param: 'model', code: 'model_not_found' });
  }
  const stateless = body.previous_response_id === undefined && body.conversation === undefined && body.prompt === undefined;
  if (body.input === undefined && stateless) return missingParameter('input');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    return invalidType('stream', 'a boolean', describeJsonType(body.stream));
  }
  if (body.store !== undefined && body.store !== null && typeof body.store !== 'boolean') {
    return invalidType('store', 'a boolean', describeJsonType(body.store));
  }
  const store = body.store !== false;
  return (
    validatePreviousResponse(body, store, context) ??
    (body.input === undefined ? undefined : validateInput(body.input, { ...context, store })) ??
    (body.tools === undefined ? undefined : validateTools(body.tools)) ??
    validateToolChoice(body.tool_choice) ??
    validateRange(body, 'temperature', 0, 2) ??
    validateRange(body, 'top_p', 0, 1) ??
    validateMaxOutputTokens(body.max_output_tokens) ??
    validateInclude(body.include) ??
    validateReasoningSettings(body.reasoning)
  );
}

function validatePreviousResponse(body: Record<string, any>, store: boolean, context: ResponsesValidationContext) {
  const id = body.previous_response_id;
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string') return invalidType('previous_response_id', 'a string', describeJsonType(id));
  if (!store) {
    return openAIError(400, "Previous response cannot be used for this request: 'store' is set to false, so responses are not persisted.", {
      param: 'previous_response_id',
    });
  }
  if (!context.isStoredResponseId(id)) {
    return openAIError(404, `Previous response with id '${id}' not found.`, {
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  }
  return undefined;
}

function validateToolChoice(toolChoice: unknown): OpenAIRejection | undefined {
  if (toolChoice === undefined || toolChoice === null || isPlainObject(toolChoice)) return undefined;
  if (typeof toolChoice !== 'string') return invalidType('tool_choice', 'a string or object', describeJsonType(toolChoice));
  if (!(toolChoiceModes as readonly string[]).includes(toolChoice)) return invalidValue('tool_choice', toolChoice, toolChoiceModes);
  return undefined;
}

function validateRange(body: Record<string, any>, key: string, minimum: number, maximum: number): OpenAIRejection | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') return invalidType(key, 'a decimal', describeJsonType(value));
  if (value < minimum) {
    return openAIError(400, `Invalid '${key}': decimal below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`, {
      param: key,
      code: 'decimal_below_min_value',
    });
  }
  if (value > maximum) {
    return openAIError(400, `Invalid '${key}': decimal above maximum value. Expected a value <= ${maximum}, but got ${value} instead.`, {
      param: key,
      code: 'decimal_above_max_value',
    });
  }
  return undefined;
}

function validateMaxOutputTokens(value: unknown): OpenAIRejection | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return invalidType('max_output_tokens', 'an integer', describeJsonType(value));
  }
  if (value < 16) {
    return openAIError(400, `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${value} instead.`, {
      param: 'max_output_tokens',
      code: 'integer_below_min_value',
    });
  }
  return undefined;
}

function validateInclude(include: unknown): OpenAIRejection | undefined {
  if (include === undefined || include === null) return undefined;
  if (!Array.isArray(include)) return invalidType('include', 'an array', describeJsonType(include));
  for (const [index, value] of include.entries()) {
    if (!(includeValues as readonly string[]).includes(value)) return invalidValue(`include[${index}]`, value, includeValues);
  }
  return undefined;
}

function validateReasoningSettings(reasoning: unknown): OpenAIRejection | undefined {
  if (reasoning === undefined || reasoning === null) return undefined;
  if (!isPlainObject(reasoning)) return invalidType('reasoning', 'an object', describeJsonType(reasoning));
  if (reasoning.effort !== undefined && reasoning.effort !== null && !(efforts as readonly string[]).includes(reasoning.effort)) {
    return invalidValue('reasoning.effort', reasoning.effort, efforts);
  }
  if (reasoning.summary !== undefined && reasoning.summary !== null && !(summaries as readonly string[]).includes(reasoning.summary)) {
    return invalidValue('reasoning.summary', reasoning.summary, summaries);
  }
  return undefined;
}
