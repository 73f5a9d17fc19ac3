// The one request validator for Amazon Bedrock Converse / ConverseStream bodies, as strict as the
// service: unknown top-level fields, blank text, a conversation that does not start with the user
// or does not alternate, toolUse / toolResult without a toolConfig or out of pairing, malformed
// tool specs and inference settings are ValidationExceptions with Bedrock's words. For Claude
// models, replayed reasoning must carry a signature this emulator issued (verified like the
// Anthropic emulator's thinking signatures) and, with thinking on, the assistant turn that made
// the pending tool calls must start with its reasoning; other models take no reasoning content
// and no additional model request fields they do not know.
// Standalone: no imports from src/.
import type { ThinkingSigner } from './anthropic-thinking-signer.ts';
import { isPlainObject } from './fake-http.ts';

const topLevel = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
]);
const contentMembers = new Set([
  'text',
  'image',
  'document',
  'video',
  'toolUse',
  'toolResult',
  'guardContent',
  'cachePoint',
  'reasoningContent',
  'citationsContent',
]);
const imageFormats = new Set(['png', 'jpeg', 'gif', 'webp']);
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

export type ConverseValidation = { ok: true; thinking: boolean; toolNames: string[] } | { ok: false; message: string };

const fail = (message: string): ConverseValidation => ({ ok: false, message });

export function isClaudeOnBedrock(modelId: string): boolean {
  return /(^|[./])anthropic\.claude-/.test(modelId);
}

function checkContentBlock(block: unknown, at: string, role: string, claude: boolean, signer: ThinkingSigner): string | undefined {
  if (!isPlainObject(block)) return `Malformed input request: ${at}: expected type: JSONObject`;
  const members = Object.keys(block);
  if (members.length !== 1 || !contentMembers.has(members[0]!)) {
    return `Malformed input request: ${at}: exactly one of ${[...contentMembers].join(', ')} must be set, found [${members.join(', ')}]`;
  }
  const member = members[0]!;
  const value = block[member];
  switch (member) {
    case 'text':
      if (typeof value !== 'string') return `Malformed input request: ${at}.text: expected type: String`;
      if (value.trim() === '') return `The text field in the ContentBlock object at ${at} is blank. Add text to the text field, and try again.`;
      return undefined;
    case 'cachePoint':
      if (!isPlainObject(value) || value.type !== 'default' || Object.keys(value).length !== 1)
        return `Malformed input request: ${at}.cachePoint: type must be default`;
      return undefined;
    case 'image':
      if (!isPlainObject(value) || !imageFormats.has(value.format) || !isPlainObject(value.source) || typeof value.source.bytes !== 'string') {
        return `Malformed input request: ${at}.image: format (png|jpeg|gif|webp) and source.bytes are required`;
      }
      return undefined;
    case 'toolUse':
      if (role !== 'assistant') return `A toolUse block is only allowed in assistant messages (${at}).`;
      if (!isPlainObject(value) || typeof value.toolUseId !== 'string' || typeof value.name !== 'string' || !isPlainObject(value.input)) {
        return `Malformed input request: ${at}.toolUse: toolUseId, name and an input object are required`;
      }
      return undefined;
    case 'toolResult': {
      if (role !== 'user') return `A toolResult block is only allowed in user messages (${at}).`;
      if (!isPlainObject(value) || typeof value.toolUseId !== 'string' || !Array.isArray(value.content)) {
        return `Malformed input request: ${at}.toolResult: toolUseId and content are required`;
      }
      if (value.status !== undefined && value.status !== 'success' && value.status !== 'error')
        return `Malformed input request: ${at}.toolResult.status: success or error`;
      for (const [index, part] of value.content.entries()) {
        if (!isPlainObject(part) || Object.keys(part).length !== 1 || !['text', 'json', 'image', 'document', 'video'].includes(Object.keys(part)[0]!)) {
          return `Malformed input request: ${at}.toolResult.content.${index}: exactly one of text, json, image, document, video`;
        }
        if ('text' in part && (typeof part.text !== 'string' || part.text.trim() === '')) {
          return `The text field in the ToolResultContentBlock object at ${at}.toolResult.content.${index} is blank. Add text to the text field, and try again.`;
        }
      }
      return undefined;
    }
    case 'reasoningContent': {
      if (role !== 'assistant') return `A reasoningContent block is only allowed in assistant messages (${at}).`;
      if (!claude) return `This model doesn't support the reasoningContent field. Remove reasoningContent from ${at} and try again.`;
      if (!isPlainObject(value)) return `Malformed input request: ${at}.reasoningContent: expected type: JSONObject`;
      if (isPlainObject(value.reasoningText)) {
        const { text, signature } = value.reasoningText;
        if (typeof text !== 'string' || typeof signature !== 'string' || !signer.verifyThinking(text, signature)) {
          return `${at}.reasoningContent.reasoningText: Invalid \`signature\` in \`thinking\` block`;
        }
        return undefined;
      }
      if (typeof value.redactedContent === 'string') {
        return signer.verifyRedactedData(value.redactedContent)
          ? undefined
          : `${at}.reasoningContent.redactedContent: Invalid \`data\` in \`redacted_thinking\` block`;
      }
      return `Malformed input request: ${at}.reasoningContent: exactly one of reasoningText, redactedContent`;
    }
    default:
      return undefined;
  }
}

/** Validates a Converse body for `modelId`; the names of the declared tools when it holds. */
export function validateConverseRequest(body: unknown, modelId: string, signer: ThinkingSigner): ConverseValidation {
  if (!isPlainObject(body)) return fail('Malformed input request, please reformat your input and try again.');
  for (const key of Object.keys(body)) {
    if (!topLevel.has(key)) return fail(`Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`);
  }
  const claude = isClaudeOnBedrock(modelId);
  const { messages } = body;
  if (!Array.isArray(messages) || messages.length === 0) return fail('Malformed input request: #/messages: expected minItems: 1');

  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) return fail('Malformed input request: #/system: expected type: JSONArray');
    for (const [index, block] of body.system.entries()) {
      const ok =
        isPlainObject(block) &&
        Object.keys(block).length === 1 &&
        (typeof block.text === 'string' ? block.text.trim() !== '' : isPlainObject(block.cachePoint));
      if (!ok) return fail(`The SystemContentBlock at system.${index} must be non-blank text or a cachePoint.`);
    }
  }

  const inference = body.inferenceConfig;
  if (inference !== undefined) {
    if (!isPlainObject(inference)) return fail('Malformed input request: #/inferenceConfig: expected type: JSONObject');
    for (const key of Object.keys(inference)) {
      if (!['maxTokens', 'temperature', 'topP', 'stopSequences'].includes(key))
        return fail(`Malformed input request: #/inferenceConfig: extraneous key [${key}] is not permitted`);
    }
    if (inference.maxTokens !== undefined && (!Number.isInteger(inference.maxTokens) || inference.maxTokens < 1)) {
      return fail(
        "1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
    }
    for (const key of ['temperature', 'topP']) {
      const value = inference[key];
      if (value !== undefined && (typeof value !== 'number' || value < 0 || value > 1)) {
        return fail(
          `1 validation error detected: Value at 'inferenceConfig.${key}' failed to satisfy constraint: Member must have value less than or equal to 1`,
        );
      }
    }
    if (inference.stopSequences !== undefined && (!Array.isArray(inference.stopSequences) || inference.stopSequences.length > 4)) {
      return fail(
        "1 validation error detected: Value at 'inferenceConfig.stopSequences' failed to satisfy constraint: Member must have length less than or equal to 4",
      );
    }
  }

  const toolNames: string[] = [];
  const toolConfig = body.toolConfig;
  if (toolConfig !== undefined) {
    if (!isPlainObject(toolConfig) || !Array.isArray(toolConfig.tools) || toolConfig.tools.length === 0) {
      return fail("1 validation error detected: Value at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1");
    }
    for (const [index, tool] of toolConfig.tools.entries()) {
      if (isPlainObject(tool) && isPlainObject(tool.cachePoint) && Object.keys(tool).length === 1) continue;
      const spec = isPlainObject(tool) && Object.keys(tool).length === 1 ? tool.toolSpec : undefined;
      if (!isPlainObject(spec) || typeof spec.name !== 'string' || !toolNamePattern.test(spec.name)) {
        return fail(
          `1 validation error detected: Value at 'toolConfig.tools.${index + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`,
        );
      }
      if (!isPlainObject(spec.inputSchema) || !isPlainObject(spec.inputSchema.json) || spec.inputSchema.json.type !== 'object') {
        return fail(`The input schema of tool ${spec.name} must be a JSON Schema of type object.`);
      }
      if (toolNames.includes(spec.name)) return fail(`The toolConfig field contains duplicate tool names: ${spec.name}`);
      toolNames.push(spec.name);
    }
    const choice = toolConfig.toolChoice;
    if (choice !== undefined) {
      const keys = isPlainObject(choice) ? Object.keys(choice) : [];
      if (keys.length !== 1 || !['auto', 'any', 'tool'].includes(keys[0]!))
        return fail('Malformed input request: #/toolConfig/toolChoice: exactly one of auto, any, tool');
      if (keys[0] === 'tool' && !toolNames.includes(choice.tool?.name))
        return fail(`The tool ${String(choice.tool?.name)} named by toolChoice is not defined in toolConfig.`);
    }
  }

  const additional = body.additionalModelRequestFields;
  let thinking = false;
  if (additional !== undefined) {
    if (!isPlainObject(additional)) return fail('Malformed input request: #/additionalModelRequestFields: expected type: JSONObject');
    for (const key of Object.keys(additional)) {
      if (!claude || !['thinking', 'top_k', 'anthropic_beta'].includes(key)) {
        return fail(
          `The model returned the following errors: Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`,
        );
      }
    }
    if (additional.thinking !== undefined) {
      const setting = additional.thinking;
      if (!isPlainObject(setting) || (setting.type !== 'enabled' && setting.type !== 'disabled'))
        return fail('The model returned the following errors: thinking.type: enabled or disabled');
      if (setting.type === 'enabled') {
        thinking = true;
        const maxTokens = isPlainObject(inference) ? inference.maxTokens : undefined;
        if (!Number.isInteger(setting.budget_tokens) || setting.budget_tokens < 1024)
          return fail('The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
        if (typeof maxTokens !== 'number' || maxTokens <= setting.budget_tokens)
          return fail('The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens`.');
        if (isPlainObject(inference) && inference.temperature !== undefined && inference.temperature !== 1) {
          return fail('The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled.');
        }
        const choice = isPlainObject(toolConfig) ? toolConfig.toolChoice : undefined;
        if (isPlainObject(choice) && !('auto' in choice))
          return fail('The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.');
      }
    }
  }

  let usesTools = false;
  for (const [index, message] of messages.entries()) {
    const at = `messages.${index}`;
    if (!isPlainObject(message)) return fail(`Malformed input request: ${at}: expected type: JSONObject`);
    for (const key of Object.keys(message))
      if (key !== 'role' && key !== 'content') return fail(`Malformed input request: ${at}: extraneous key [${key}] is not permitted`);
    if (message.role !== 'user' && message.role !== 'assistant')
      return fail(`1 validation error detected: Value at '${at}.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`);
    if (index === 0 && message.role !== 'user')
      return fail('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
    if (index > 0 && messages[index - 1].role === message.role) {
      return fail(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      );
    }
    if (!Array.isArray(message.content) || message.content.length === 0)
      return fail(`The content field in the Message object at ${at} is empty. Add a ContentBlock object to the content field and try again.`);
    for (const [blockIndex, block] of message.content.entries()) {
      const problem = checkContentBlock(block, `${at}.content.${blockIndex}`, message.role, claude, signer);
      if (problem) return fail(problem);
      if (isPlainObject(block) && ('toolUse' in block || 'toolResult' in block)) usesTools = true;
    }
    // The tool results of a user turn answer the previous assistant turn's calls, all and only them.
    const results = message.content.filter((block: any) => isPlainObject(block.toolResult)).map((block: any) => block.toolResult.toolUseId as string);
    const previous = index > 0 ? messages[index - 1] : undefined;
    const calls: string[] = previous
      ? previous.content.filter((block: any) => isPlainObject(block?.toolUse)).map((block: any) => block.toolUse.toolUseId as string)
      : [];
    if (results.length > calls.length) return fail(`The number of toolResult blocks at ${at}.content exceeds the number of toolUse blocks of previous turn.`);
    if (message.role === 'user' && calls.length > 0) {
      const missing = calls.filter((id) => !results.includes(id));
      if (missing.length > 0) return fail(`Expected toolResult blocks at ${at}.content for the following Ids: ${missing.join(', ')}`);
    }
    const unknown = results.filter((id: string) => !calls.includes(id));
    if (unknown.length > 0)
      return fail(`The toolUseId ${unknown[0]} in the toolResult block at ${at}.content does not match a toolUse block of the previous turn.`);
  }
  if (usesTools && toolConfig === undefined) return fail('The toolConfig field must be defined when using toolUse and toolResult content blocks.');

  if (thinking) {
    // Anthropic's rule, through Converse: the turn whose calls are being answered starts with its reasoning.
    const last = messages.at(-1);
    const assistant = messages.at(-2);
    const answering = last?.role === 'user' && last.content.some((block: any) => isPlainObject(block?.toolResult));
    if (answering && assistant && !isPlainObject(assistant.content[0]?.reasoningContent)) {
      return fail(
        'The model returned the following errors: messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.',
      );
    }
  }
  return { ok: true, thinking, toolNames };
}
