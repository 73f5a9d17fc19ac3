// Validates Anthropic `messages`: roles, block shapes, non-empty text, tool_use/tool_result
// adjacency ("`tool_use` ids were found without `tool_result` blocks immediately after"),
// thinking signatures, and the extended-thinking replay rules.
import { isPlainObject } from './fake-http.ts';
import { invalidRequest, type AnthropicRejection } from './anthropic-error.ts';

export type MessagesValidationContext = {
  thinkingEnabled: boolean;
  /** Claude Code sends role "system" turns under a beta (observed in fixtures/clients/claude-code/default). */
  allowSystemRole: boolean;
  verifyThinking(thinking: string, signature: string): boolean;
  verifyRedactedData(data: string): boolean;
};

const userBlockTypes = ['text', 'image', 'document', 'search_result', 'tool_result', 'container_upload'];
const assistantBlockTypes = [
  'text',
  'tool_use',
  'thinking',
  'redacted_thinking',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
];
const allBlockTypes = [...new Set([...userBlockTypes, ...assistantBlockTypes])];
const idPattern = /^[a-zA-Z0-9_-]+$/;
const tags = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

export function validateMessages(messages: unknown, context: MessagesValidationContext): AnthropicRejection | undefined {
  if (messages === undefined) return invalidRequest('messages: Field required');
  if (!Array.isArray(messages)) return invalidRequest('messages: Input should be a valid list');
  if (messages.length === 0) return invalidRequest('messages: at least one message is required');
  for (const [index, message] of messages.entries()) {
    const rejection = validateMessage(message, index, index === messages.length - 1, context);
    if (rejection) return rejection;
  }
  if (messages[0].role !== 'user') return invalidRequest('messages: first message must use the "user" role');
  return validateToolPairing(messages) ?? validateThinkingReplay(messages, context);
}

function validateMessage(message: unknown, index: number, isLast: boolean, context: MessagesValidationContext) {
  const path = `messages.${index}`;
  if (!isPlainObject(message)) return invalidRequest(`${path}: Input should be a valid dictionary`);
  const roleAllowed = message.role === 'user' || message.role === 'assistant' || (message.role === 'system' && context.allowSystemRole);
  if (!roleAllowed) return invalidRequest(`${path}.role: Input should be 'user' or 'assistant'`);
  // Under the per-turn-control beta a system turn may carry its own output_config (same capture).
  const allowedKeys = message.role === 'system' && context.allowSystemRole ? ['role', 'content', 'output_config'] : ['role', 'content'];
  for (const key of Object.keys(message)) {
    if (!allowedKeys.includes(key)) return invalidRequest(`${path}.${key}: Extra inputs are not permitted`);
  }
  if (message.content === undefined) return invalidRequest(`${path}.content: Field required`);
  if (typeof message.content === 'string') return validateText(message.content);
  if (!Array.isArray(message.content)) return invalidRequest(`${path}.content: Input should be a valid list`);
  if (message.content.length === 0 && !(isLast && message.role === 'assistant')) {
    return invalidRequest(`${path}: all messages must have non-empty content except for the optional final assistant message`);
  }
  const allowed = message.role === 'assistant' ? assistantBlockTypes : userBlockTypes;
  for (const [blockIndex, block] of message.content.entries()) {
    const blockPath = `${path}.content.${blockIndex}`;
    if (!isPlainObject(block)) return invalidRequest(`${blockPath}: Input should be a valid dictionary`);
    if (!allBlockTypes.includes(block.type)) {
      return invalidRequest(`${blockPath}: Input tag '${block.type}' found using 'type' does not match any of the expected tags: ${tags(allBlockTypes)}`);
    }
    if (!allowed.includes(block.type)) {
      const owner = allowed === userBlockTypes ? 'assistant' : 'user';
      return invalidRequest(`${blockPath}: \`${block.type}\` blocks can only be in \`${owner}\` messages`);
    }
    const rejection = validateBlock(block, blockPath, context);
    if (rejection) return rejection;
  }
  const final = message.content.at(-1);
  if (message.role === 'assistant' && isPlainObject(final) && final.type === 'thinking') {
    return invalidRequest(`${path}: The final block in an assistant message cannot be \`thinking\`.`);
  }
  return undefined;
}

function validateText(text: unknown, path = 'messages'): AnthropicRejection | undefined {
  if (typeof text !== 'string') return invalidRequest(`${path}.text: Input should be a valid string`);
  if (text.length === 0) return invalidRequest(`${path}: text content blocks must be non-empty`);
  if (text.trim().length === 0) return invalidRequest(`${path}: text content blocks must contain non-whitespace text`);
  return undefined;
}

function validateBlock(block: Record<string, any>, path: string, context: MessagesValidationContext): AnthropicRejection | undefined {
  switch (block.type) {
    case 'text':
      return block.text === undefined ? invalidRequest(`${path}.text: Field required`) : validateText(block.text);
    case 'image':
    case 'document':
      if (!isPlainObject(block.source)) return invalidRequest(`${path}.source: Field required`);
      return undefined;
    case 'tool_use':
      if (typeof block.id !== 'string') return invalidRequest(`${path}.id: Field required`);
      if (!idPattern.test(block.id)) return invalidRequest(`${path}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      if (typeof block.name !== 'string') return invalidRequest(`${path}.name: Field required`);
      if (!isPlainObject(block.input)) return invalidRequest(`${path}.input: Input should be a valid dictionary`);
      return undefined;
    case 'tool_result':
      return validateToolResult(block, path);
    case 'thinking':
      if (typeof block.thinking !== 'string') return invalidRequest(`${path}.thinking: Field required`);
      if (typeof block.signature !== 'string') return invalidRequest(`${path}.signature: Field required`);
      if (!context.verifyThinking(block.thinking, block.signature)) return invalidRequest(`${path}: Invalid \`signature\` in \`thinking\` block`);
      return undefined;
    case 'redacted_thinking':
      if (typeof block.data !== 'string') return invalidRequest(`${path}.data: Field required`);
      if (!context.verifyRedactedData(block.data)) return invalidRequest(`${path}: Invalid \`data\` in \`redacted_thinking\` block`);
      return undefined;
    default:
      return undefined;
  }
}

function validateToolResult(block: Record<string, any>, path: string): AnthropicRejection | undefined {
  if (typeof block.tool_use_id !== 'string') return invalidRequest(`${path}.tool_use_id: Field required`);
  if (!idPattern.test(block.tool_use_id)) return invalidRequest(`${path}.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
  if (block.is_error !== undefined && typeof block.is_error !== 'boolean') return invalidRequest(`${path}.is_error: Input should be a valid boolean`);
  if (block.content === undefined || typeof block.content === 'string') return undefined;
  if (!Array.isArray(block.content)) return invalidRequest(`${path}.content: Input should be a valid list`);
  for (const [index, inner] of block.content.entries()) {
    if (!isPlainObject(inner) || !['text', 'image', 'document', 'search_result'].includes(inner.type)) {
      return invalidRequest(
        `${path}.content.${index}: Input tag '${inner?.type}' found using 'type' does not match any of the expected tags: 'text', 'image', 'document', 'search_result'`,
      );
    }
    if (inner.type === 'text') {
      const rejection = validateText(inner.text);
      if (rejection) return rejection;
    }
  }
  return undefined;
}

const blocksOf = (message: any): any[] => (Array.isArray(message?.content) ? message.content : []);

/** tool_use ids must be answered by LEADING tool_result blocks of the very next message, and vice versa. */
function validateToolPairing(messages: any[]): AnthropicRejection | undefined {
  for (const [index, message] of messages.entries()) {
    if (message.role === 'assistant') {
      const useIds = blocksOf(message)
        .filter((block) => block.type === 'tool_use')
        .map((block) => block.id as string);
      if (useIds.length === 0) continue;
      const next = messages[index + 1];
      const leading: string[] = [];
      if (next?.role === 'user') {
        for (const block of blocksOf(next)) {
          if (block.type !== 'tool_result') break;
          leading.push(block.tool_use_id);
        }
      }
      const missing = useIds.filter((id) => !leading.includes(id));
      if (missing.length > 0) {
        return invalidRequest(
          `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
    if (message.role === 'user') {
      const previous = messages[index - 1];
      const available =
        previous?.role === 'assistant'
          ? blocksOf(previous)
              .filter((block) => block.type === 'tool_use')
              .map((block) => block.id)
          : [];
      for (const [blockIndex, block] of blocksOf(message).entries()) {
        if (block.type === 'tool_result' && !available.includes(block.tool_use_id)) {
          return invalidRequest(
            `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
      }
    }
  }
  return undefined;
}

/** With thinking on: no prefill, and the final assistant turn of a tool loop must open with its (signed) thinking. */
function validateThinkingReplay(messages: any[], context: MessagesValidationContext): AnthropicRejection | undefined {
  if (!context.thinkingEnabled) return undefined;
  if (messages.at(-1)?.role === 'assistant') {
    return invalidRequest('This model does not support assistant message prefill. The conversation must end with a user message.');
  }
  const lastAssistantIndex = messages.findLastIndex((message) => message.role === 'assistant');
  if (lastAssistantIndex < 0) return undefined;
  const blocks = blocksOf(messages[lastAssistantIndex]);
  if (!blocks.some((block) => block.type === 'tool_use')) return undefined;
  const first = blocks[0];
  if (first.type === 'thinking' || first.type === 'redacted_thinking') return undefined;
  return invalidRequest(
    `messages.${lastAssistantIndex}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
  );
}
