// Validates Chat Completions `messages` the way a strict chat template + OpenAI-compatible server
// does: only system/user/assistant/tool roles (no `developer`), one system message and only at the
// start, text/image_url content parts, assistant tool_calls answered by exactly one `tool` message
// per id before anything else, and every tool message answering a pending call (OpenAI's wording).
import { describeJsonType, isPlainObject } from './fake-http.ts';
import { asChatRejection, chatRejection, type ChatFlavor, type ChatRejection } from './chat-error.ts';
import { invalidType, invalidValue, missingParameter } from './openai-error.ts';

export type MessagesValidationContext = { flavor: ChatFlavor; textOnly: boolean };

const roles = ['system', 'user', 'assistant', 'tool'];

export function validateChatMessages(messages: unknown, context: MessagesValidationContext): ChatRejection | undefined {
  const { flavor } = context;
  if (messages === undefined) return asChatRejection(flavor, missingParameter('messages'));
  if (!Array.isArray(messages)) return asChatRejection(flavor, invalidType('messages', 'an array', describeJsonType(messages)));
  if (messages.length === 0) return chatRejection(flavor, 400, "[] is too short - 'messages'", { param: 'messages' });
  for (const [index, message] of messages.entries()) {
    const rejection = validateMessage(message, index, context);
    if (rejection) return rejection;
  }
  return validateToolPairing(messages, flavor);
}

function validateMessage(message: unknown, index: number, context: MessagesValidationContext): ChatRejection | undefined {
  const { flavor } = context;
  const path = `messages[${index}]`;
  if (!isPlainObject(message)) return asChatRejection(flavor, invalidType(path, 'an object', describeJsonType(message)));
  if (message.role === undefined) return asChatRejection(flavor, missingParameter(`${path}.role`));
  if (!roles.includes(message.role)) {
    return chatRejection(flavor, 400, `Unexpected message role: '${String(message.role)}'. Supported roles are system, user, assistant and tool.`, {
      param: `${path}.role`,
      code: 'invalid_value',
    });
  }
  // Chat templates such as Qwen's and Gemma's raise this for any system turn after the first message.
  if (message.role === 'system' && index > 0) return chatRejection(flavor, 400, 'System message must be at the beginning.', { param: `${path}.role` });
  if (message.role === 'tool' && typeof message.tool_call_id !== 'string') {
    return chatRejection(flavor, 400, "Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.", {
      param: `messages.[${index}].tool_call_id`,
    });
  }
  if (message.role === 'assistant') {
    const toolCallsRejection = validateToolCalls(message.tool_calls, path, flavor);
    if (toolCallsRejection) return toolCallsRejection;
    const hasCalls = Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
    if ((message.content === undefined || message.content === null) && !hasCalls) {
      return chatRejection(flavor, 400, "Invalid value for 'content': expected a string, got null.", { param: `messages.[${index}].content` });
    }
    if (message.content === undefined || message.content === null) return undefined;
  }
  if (message.content === undefined) return asChatRejection(flavor, missingParameter(`${path}.content`));
  return validateContent(message.content, message.role, index, context);
}

function validateContent(content: unknown, role: string, index: number, context: MessagesValidationContext): ChatRejection | undefined {
  const { flavor } = context;
  const path = `messages[${index}]`;
  if (typeof content === 'string') return undefined;
  if (!Array.isArray(content)) return asChatRejection(flavor, invalidType(`${path}.content`, 'one of a string or array of objects', describeJsonType(content)));
  const allowed = role === 'user' ? ['text', 'image_url'] : ['text'];
  for (const [partIndex, part] of content.entries()) {
    const partPath = `${path}.content[${partIndex}]`;
    if (!isPlainObject(part)) return asChatRejection(flavor, invalidType(partPath, 'an object', describeJsonType(part)));
    if (!allowed.includes(part.type)) return asChatRejection(flavor, invalidValue(`${partPath}.type`, part.type, allowed));
    if (part.type === 'text' && typeof part.text !== 'string') {
      return part.text === undefined
        ? asChatRejection(flavor, missingParameter(`${partPath}.text`))
        : asChatRejection(flavor, invalidType(`${partPath}.text`, 'a string', describeJsonType(part.text)));
    }
    if (part.type === 'image_url') {
      if (!isPlainObject(part.image_url) || typeof part.image_url.url !== 'string')
        return asChatRejection(flavor, missingParameter(`${partPath}.image_url.url`));
      if (context.textOnly) {
        return chatRejection(flavor, 400, 'Invalid content type. image_url is only supported by certain models.', {
          param: `messages.[${index}].content.[${partIndex}].type`,
        });
      }
    }
  }
  return undefined;
}

function validateToolCalls(toolCalls: unknown, path: string, flavor: ChatFlavor): ChatRejection | undefined {
  if (toolCalls === undefined || toolCalls === null) return undefined;
  if (!Array.isArray(toolCalls)) return asChatRejection(flavor, invalidType(`${path}.tool_calls`, 'an array', describeJsonType(toolCalls)));
  for (const [index, call] of toolCalls.entries()) {
    const callPath = `${path}.tool_calls[${index}]`;
    if (!isPlainObject(call)) return asChatRejection(flavor, invalidType(callPath, 'an object', describeJsonType(call)));
    if (typeof call.id !== 'string') return asChatRejection(flavor, missingParameter(`${callPath}.id`));
    if (call.type !== 'function') return asChatRejection(flavor, invalidValue(`${callPath}.type`, call.type, ['function']));
    if (!isPlainObject(call.function) || typeof call.function.name !== 'string') return asChatRejection(flavor, missingParameter(`${callPath}.function.name`));
    if (typeof call.function.arguments !== 'string') {
      return asChatRejection(flavor, invalidType(`${callPath}.function.arguments`, 'a string', describeJsonType(call.function.arguments)));
    }
  }
  return undefined;
}

/** Every tool_call id is answered by one `tool` message before any other message, and no tool message answers nothing. */
function validateToolPairing(messages: Record<string, any>[], flavor: ChatFlavor): ChatRejection | undefined {
  let pending: string[] = [];
  let pendingFrom = -1;
  const unanswered = () =>
    chatRejection(
      flavor,
      400,
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${pending.join(', ')}`,
      { param: `messages.[${pendingFrom}].role` },
    );
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (!pending.includes(message.tool_call_id)) {
        return chatRejection(flavor, 400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", {
          param: `messages.[${index}].role`,
        });
      }
      pending = pending.filter((id) => id !== message.tool_call_id);
      continue;
    }
    if (pending.length > 0) return unanswered();
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      pending = message.tool_calls.map((call: { id: string }) => call.id);
      pendingFrom = index;
    }
  }
  return pending.length > 0 ? unanswered() : undefined;
}
