// Top-level validation of POST /v1/chat/completions for the strict OpenAI-compatible emulator:
// model, messages, stream/stream_options, function-only tools with OpenAI's name rule and object
// parameters, tool_choice. The OpenAI flavor also refuses arguments it does not know, as OpenAI
// does ("Unrecognized request argument supplied"); vLLM and Ollama ignore them.
import { describeJsonType, isPlainObject } from './fake-http.ts';
import { asChatRejection, chatModelNotFound, chatRejection, type ChatFlavor, type ChatRejection } from './chat-error.ts';
import { validateChatMessages } from './chat-messages-validator.ts';
import { invalidType, invalidValue, missingParameter } from './openai-error.ts';

export type ChatValidationContext = { flavor: ChatFlavor; textOnly: boolean; knownModels?: readonly string[] };

const openAIParameters = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'response_format',
  'reasoning_effort',
  'verbosity',
  'service_tier',
  'store',
  'metadata',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
];
const namePattern = /^[a-zA-Z0-9_-]+$/;

export function validateChatRequest(body: unknown, context: ChatValidationContext): ChatRejection | undefined {
  const { flavor } = context;
  if (!isPlainObject(body)) return asChatRejection(flavor, invalidType('body', 'an object', describeJsonType(body)));
  if (flavor === 'openai') {
    const unknown = Object.keys(body).find((key) => !openAIParameters.includes(key));
    if (unknown) return chatRejection(flavor, 400, `Unrecognized request argument supplied: ${unknown}`);
  }
  if (body.model === undefined) return chatRejection(flavor, 400, 'you must provide a model parameter');
  if (typeof body.model !== 'string') return asChatRejection(flavor, invalidType('model', 'a string', describeJsonType(body.model)));
  if (context.knownModels && !context.knownModels.includes(body.model)) return chatModelNotFound(flavor, body.model);
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    return asChatRejection(flavor, invalidType('stream', 'a boolean', describeJsonType(body.stream)));
  }
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return chatRejection(flavor, 400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", { param: 'stream_options' });
  }
  return (
    validateTools(body.tools, flavor) ??
    validateToolChoice(body.tool_choice, body.tools, flavor) ??
    validateChatMessages(body.messages, { flavor, textOnly: context.textOnly })
  );
}

function validateTools(tools: unknown, flavor: ChatFlavor): ChatRejection | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) return asChatRejection(flavor, invalidType('tools', 'an array', describeJsonType(tools)));
  for (const [index, tool] of tools.entries()) {
    const path = `tools[${index}]`;
    if (!isPlainObject(tool)) return asChatRejection(flavor, invalidType(path, 'an object', describeJsonType(tool)));
    // custom (freeform), namespace and hosted tools only exist on OpenAI's own models.
    if (tool.type !== 'function') return asChatRejection(flavor, invalidValue(`${path}.type`, tool.type, ['function']));
    if (!isPlainObject(tool.function)) return asChatRejection(flavor, missingParameter(`${path}.function`));
    const { name, parameters } = tool.function;
    if (name === undefined) return asChatRejection(flavor, missingParameter(`${path}.function.name`));
    if (typeof name !== 'string') return asChatRejection(flavor, invalidType(`${path}.function.name`, 'a string', describeJsonType(name)));
    if (!namePattern.test(name)) {
      return chatRejection(
        flavor,
        400,
        `Invalid '${path}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        {
          param: `${path}.function.name`,
          code: 'invalid_value',
        },
      );
    }
    if (name.length > 64) {
      return chatRejection(
        flavor,
        400,
        `Invalid '${path}.function.name': string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`,
        {
          param: `${path}.function.name`,
          code: 'string_above_max_length',
        },
      );
    }
    if (parameters !== undefined && !isPlainObject(parameters)) {
      return asChatRejection(flavor, invalidType(`${path}.function.parameters`, 'an object', describeJsonType(parameters)));
    }
  }
  return undefined;
}

function validateToolChoice(toolChoice: unknown, tools: unknown, flavor: ChatFlavor): ChatRejection | undefined {
  if (toolChoice === undefined || toolChoice === null) return undefined;
  const declared = Array.isArray(tools) ? tools.map((tool) => tool.function.name as string) : [];
  if (declared.length === 0 && toolChoice !== 'none') {
    return chatRejection(flavor, 400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", { param: 'tool_choice' });
  }
  if (typeof toolChoice === 'string') {
    return ['none', 'auto', 'required'].includes(toolChoice)
      ? undefined
      : asChatRejection(flavor, invalidValue('tool_choice', toolChoice, ['none', 'auto', 'required']));
  }
  if (!isPlainObject(toolChoice) || toolChoice.type !== 'function' || !isPlainObject(toolChoice.function)) {
    return asChatRejection(flavor, invalidValue('tool_choice.type', isPlainObject(toolChoice) ? toolChoice.type : toolChoice, ['function']));
  }
  if (!declared.includes(toolChoice.function.name)) {
    return chatRejection(flavor, 400, `Tool '${String(toolChoice.function.name)}' has not been passed in \`tools\`.`, { param: 'tool_choice' });
  }
  return undefined;
}
