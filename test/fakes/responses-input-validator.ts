// Validates the `input` item list of a Responses request: known item types, per-item shape,
// reasoning `encrypted_content` provenance, and the call/output pairing rule
// ("No tool output found for function call call_x.", recorded from OpenAI-compatible servers).
import { describeJsonType, isPlainObject } from './fake-http.ts';
import { invalidType, invalidValue, missingParameter, openAIError, type OpenAIRejection } from './openai-error.ts';

export type InputValidationContext = {
  store: boolean;
  isIssuedEncryptedContent(value: string): boolean;
  isStoredItemId(id: string): boolean;
};

const itemTypes = [
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'web_search_call',
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'image_generation_call',
  'code_interpreter_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'tool_search_call',
  'tool_search_output',
  'additional_tools',
  'compaction',
  'item_reference',
] as const;

const roles = ['assistant', 'system', 'developer', 'user'] as const;
const inputContentTypes = ['input_text', 'input_image', 'input_file'] as const;
const outputContentTypes = ['output_text', 'refusal'] as const;

export function validateInput(input: unknown, context: InputValidationContext): OpenAIRejection | undefined {
  if (typeof input === 'string') return undefined;
  if (!Array.isArray(input)) {
    return invalidType('input', 'one of a string or array of input items', describeJsonType(input));
  }
  for (const [index, item] of input.entries()) {
    const rejection = validateItem(item, `input[${index}]`, context);
    if (rejection) return rejection;
  }
  return validatePairing(input);
}

/**
 * The fields each modelled item type may carry (the SDK's item types, plus `phase` and
 * `namespace` that newer Codex builds send). Like the real API, anything else is
 * "Unknown parameter", e.g. a client-side `parsed: null` leaking into history.
 */
const itemFields: Record<string, readonly string[]> = {
  message: ['type', 'id', 'role', 'content', 'status', 'phase'],
  reasoning: ['type', 'id', 'summary', 'content', 'encrypted_content', 'status'],
  function_call: ['type', 'id', 'call_id', 'name', 'arguments', 'status', 'namespace'],
  custom_tool_call: ['type', 'id', 'call_id', 'name', 'input', 'status', 'namespace'],
  function_call_output: ['type', 'id', 'call_id', 'output', 'status', 'namespace'],
  custom_tool_call_output: ['type', 'id', 'call_id', 'output', 'status'],
};

function validateItem(item: unknown, path: string, context: InputValidationContext): OpenAIRejection | undefined {
  if (!isPlainObject(item)) return invalidType(path, 'an object', describeJsonType(item));
  // The short form {role, content} (EasyInputMessage) has no `type`.
  const type = item.type ?? ('role' in item ? 'message' : undefined);
  if (type === undefined) return missingParameter(`${path}.type`);
  if (!(itemTypes as readonly string[]).includes(type)) return invalidValue(`${path}.type`, type, itemTypes);
  const known = itemFields[type];
  const unknown = known && Object.keys(item).find((key) => !known.includes(key));
  if (unknown) return openAIError(400, `Unknown parameter: '${path}.${unknown}'.`, { param: `${path}.${unknown}`, code: 'unknown_parameter' });
  switch (type) {
    case 'message':
      return validateMessage(item, path);
    case 'reasoning':
      return validateReasoning(item, path, context);
    case 'function_call':
      return requireStrings(item, path, ['call_id', 'name', 'arguments']);
    case 'custom_tool_call':
      return requireStrings(item, path, ['call_id', 'name', 'input']);
    case 'function_call_output':
    case 'custom_tool_call_output':
      return validateToolOutput(item, path);
    default:
      return undefined;
  }
}

function requireStrings(item: Record<string, any>, path: string, keys: string[]): OpenAIRejection | undefined {
  for (const key of keys) {
    if (item[key] === undefined || item[key] === null) return missingParameter(`${path}.${key}`);
    if (typeof item[key] !== 'string') return invalidType(`${path}.${key}`, 'a string', describeJsonType(item[key]));
  }
  return undefined;
}

function validateMessage(item: Record<string, any>, path: string): OpenAIRejection | undefined {
  if (item.role === undefined) return missingParameter(`${path}.role`);
  if (!(roles as readonly string[]).includes(item.role)) return invalidValue(`${path}.role`, item.role, roles);
  if (item.content === undefined) return missingParameter(`${path}.content`);
  if (typeof item.content === 'string') return undefined;
  if (!Array.isArray(item.content)) {
    return invalidType(`${path}.content`, 'one of a string or array of input content', describeJsonType(item.content));
  }
  // Assistant history carries output parts; every other role carries input parts.
  const allowed = item.role === 'assistant' ? outputContentTypes : inputContentTypes;
  for (const [index, part] of item.content.entries()) {
    const partPath = `${path}.content[${index}]`;
    if (!isPlainObject(part)) return invalidType(partPath, 'an object', describeJsonType(part));
    if (!(allowed as readonly string[]).includes(part.type)) return invalidValue(`${partPath}.type`, part.type, allowed);
    if (part.type === 'input_text' || part.type === 'output_text') {
      const rejection = requireStrings(part, partPath, ['text']);
      if (rejection) return rejection;
    }
    if (part.type === 'refusal') {
      const rejection = requireStrings(part, partPath, ['refusal']);
      if (rejection) return rejection;
    }
    if (part.type === 'input_image' && part.image_url === undefined && part.file_id === undefined) {
      return missingParameter(`${partPath}.image_url`);
    }
  }
  return undefined;
}

function validateReasoning(item: Record<string, any>, path: string, context: InputValidationContext): OpenAIRejection | undefined {
  if (!Array.isArray(item.summary)) {
    return item.summary === undefined ? missingParameter(`${path}.summary`) : invalidType(`${path}.summary`, 'an array', describeJsonType(item.summary));
  }
  const encrypted = item.encrypted_content;
  if (encrypted !== undefined && encrypted !== null) {
    if (typeof encrypted !== 'string') {
      return invalidType(`${path}.encrypted_content`, 'a string', describeJsonType(encrypted));
    }
    if (!context.isIssuedEncryptedContent(encrypted)) {
      // OpenAI elides the blob in the message: "The encrypted content gAAA...DQ== could not be verified."
      const shown = encrypted.length > 8 ? `${encrypted.slice(0, 4)}...${encrypted.slice(-4)}` : encrypted;
      return openAIError(400, `The encrypted content ${shown} could not be verified.`, { code: 'invalid_encrypted_content' });
    }
    return undefined;
  }
  // Without encrypted_content the server must look the item up by id, which only works for stored items.
  if (typeof item.id === 'string' && !context.isStoredItemId(item.id)) {
    const hint = context.store
      ? ''
      : ' Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.';
    return openAIError(404, `Item with id '${item.id}' not found.${hint}`, { param: 'input' });
  }
  return undefined;
}

function validateToolOutput(item: Record<string, any>, path: string): OpenAIRejection | undefined {
  if (item.call_id === undefined) return missingParameter(`${path}.call_id`);
  if (typeof item.call_id !== 'string') return invalidType(`${path}.call_id`, 'a string', describeJsonType(item.call_id));
  if (item.output === undefined || item.output === null) return missingParameter(`${path}.output`);
  if (typeof item.output !== 'string' && !Array.isArray(item.output)) {
    return invalidType(`${path}.output`, 'one of a string or array of output content', describeJsonType(item.output));
  }
  return undefined;
}

const pairs = [
  { call: 'function_call', output: 'function_call_output', label: 'function call' },
  { call: 'custom_tool_call', output: 'custom_tool_call_output', label: 'custom tool call' },
] as const;

/** Every call needs its output LATER in the input; every output needs an EARLIER call. */
function validatePairing(input: unknown[]): OpenAIRejection | undefined {
  const items = input as Array<Record<string, any>>;
  for (const pair of pairs) {
    for (const [index, item] of items.entries()) {
      if (item.type === pair.call) {
        const answered = items.slice(index + 1).some((later) => later.type === pair.output && later.call_id === item.call_id);
        if (!answered) return openAIError(400, `No tool output found for ${pair.label} ${item.call_id}.`, { param: 'input' });
      }
      if (item.type === pair.output) {
        const called = items.slice(0, index).some((earlier) => earlier.type === pair.call && earlier.call_id === item.call_id);
        if (!called) {
          return openAIError(400, `No tool call found for ${pair.label} output with call_id ${item.call_id}.`, { param: 'input' });
        }
      }
    }
  }
  return undefined;
}
