// Top-level validation of Anthropic POST /v1/messages (and /count_tokens) bodies with the
// API's pydantic-style messages: extra fields, model, max_tokens, system, tools (name pattern,
// object input_schema, unique names, server tools), tool_choice, thinking constraints, and
// `role: "system"` turns (refused before Opus 4.8; on later models only under the per-turn-control beta).
import { isPlainObject } from './fake-http.ts';
import { invalidRequest, type AnthropicRejection } from './anthropic-error.ts';
import { validateMessages } from './anthropic-messages-validator.ts';
import { systemRoleUnsupported, takesSystemMessages } from './anthropic-model-capabilities.ts';

export type AnthropicValidationContext = {
  endpoint: 'messages' | 'count_tokens';
  betas: string[];
  knownModels?: readonly string[];
  verifyThinking(thinking: string, signature: string): boolean;
  verifyRedactedData(data: string): boolean;
  /**
   * Also require what the gateway's encoder promises beyond the API (codec tests set it):
   * `system` as an array of text blocks and strictly alternating roles (the API would merge
   * consecutive turns; the encoder never sends them).
   */
  gatewayShape?: boolean;
};

/** The context codec unit tests validate encoded bodies with: no emulator-issued signatures to check, only their presence. */
export const encodedRequestContext: AnthropicValidationContext = {
  endpoint: 'messages',
  betas: [],
  verifyThinking: (_thinking, signature) => signature.trim() !== '',
  verifyRedactedData: (data) => data !== '',
  gatewayShape: true,
};

const countTokensParameters = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers', 'context_management', 'output_config'];
const messagesParameters = [
  ...countTokensParameters,
  'max_tokens',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'service_tier',
  'container',
  'inference_geo',
];
const serverToolTypes = [
  'web_search_20250305',
  'web_fetch_20250910',
  'code_execution_20250522',
  'code_execution_20250825',
  'bash_20250124',
  'text_editor_20250124',
  'text_editor_20250429',
  'text_editor_20250728',
  'computer_20250124',
  'memory_20250818',
  'tool_search_tool_regex_20251119',
  'tool_search_tool_bm25_20251119',
];
const customToolKeys = ['type', 'name', 'description', 'input_schema', 'cache_control', 'strict', 'defer_loading', 'input_examples', 'eager_input_streaming'];
const toolNamePattern = /^[a-zA-Z0-9_-]{1,128}$/;
const docs = 'Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

export type ThinkingMode = 'enabled' | 'adaptive' | 'disabled';

export function thinkingModeOf(body: Record<string, any>): ThinkingMode {
  const type = body.thinking?.type;
  return type === 'enabled' || type === 'adaptive' ? type : 'disabled';
}

export function validateAnthropicRequest(body: unknown, context: AnthropicValidationContext): AnthropicRejection | undefined {
  if (!isPlainObject(body)) return invalidRequest('Input should be a valid dictionary');
  const allowed = context.endpoint === 'messages' ? messagesParameters : countTokensParameters;
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) return invalidRequest(`${key}: Extra inputs are not permitted`);
  }
  if (body.model === undefined) return invalidRequest('model: Field required');
  if (typeof body.model !== 'string') return invalidRequest('model: Input should be a valid string');
  if (context.knownModels && !context.knownModels.includes(body.model)) {
    return { status: 404, type: 'not_found_error', message: `model: ${body.model}` };
  }
  if (context.endpoint === 'messages') {
    if (body.max_tokens === undefined) return invalidRequest('max_tokens: Field required');
    if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) return invalidRequest('max_tokens: Input should be a valid integer');
    if (body.max_tokens < 1) return invalidRequest('max_tokens: Input should be greater than or equal to 1');
  }
  const mode = thinkingModeOf(body);
  const systemTurns = Array.isArray(body.messages) && body.messages.some((message: unknown) => isPlainObject(message) && message.role === 'system');
  if (systemTurns && !takesSystemMessages(body.model)) return invalidRequest(systemRoleUnsupported);
  return (
    validateSystem(body.system) ??
    validateTools(body.tools) ??
    validateToolChoice(body.tool_choice, body.tools) ??
    validateThinking(body, mode, context.endpoint) ??
    validateSampling(body) ??
    validateMessages(body.messages, {
      thinkingEnabled: mode !== 'disabled',
      allowSystemRole: context.betas.some((beta) => beta.startsWith('per-turn-control')),
      verifyThinking: context.verifyThinking,
      verifyRedactedData: context.verifyRedactedData,
    }) ??
    validateToolUseNeedsTools(body) ??
    validateFinalAssistantText(body.messages) ??
    validateCacheBreakpoints(body) ??
    (context.gatewayShape ? validateGatewayShape(body) : undefined)
  );
}

const blocksOf = (value: unknown): Array<Record<string, any>> => (Array.isArray(value) ? value.filter(isPlainObject) : []);

function validateToolUseNeedsTools(body: Record<string, any>): AnthropicRejection | undefined {
  if (Array.isArray(body.tools) && body.tools.length > 0) return undefined;
  const usesTools = blocksOf(body.messages).some((message) =>
    blocksOf(message.content).some((block) => block.type === 'tool_use' || block.type === 'tool_result'),
  );
  return usesTools ? invalidRequest('Requests which include `tool_use` or `tool_result` blocks must define tools.') : undefined;
}

function validateFinalAssistantText(messages: unknown): AnthropicRejection | undefined {
  const final = blocksOf(messages).at(-1);
  if (final?.role !== 'assistant') return undefined;
  const text = typeof final.content === 'string' ? final.content : blocksOf(final.content).at(-1)?.text;
  return typeof text === 'string' && /\s$/.test(text) ? invalidRequest('messages: final assistant content cannot end with trailing whitespace') : undefined;
}

function validateCacheBreakpoints(body: Record<string, any>): AnthropicRejection | undefined {
  const marked = (blocks: unknown) => blocksOf(blocks).filter((block) => block.cache_control !== undefined).length;
  const found = marked(body.system) + marked(body.tools) + blocksOf(body.messages).reduce((sum, message) => sum + marked(message.content), 0);
  return found > 4 ? invalidRequest(`A maximum of 4 blocks with cache_control may be provided. Found ${found}.`) : undefined;
}

function validateGatewayShape(body: Record<string, any>): AnthropicRejection | undefined {
  if (body.system !== undefined && !Array.isArray(body.system)) return invalidRequest('gateway shape: system should be an array of text blocks');
  const messages = blocksOf(body.messages);
  for (let index = 1; index < messages.length; index++) {
    if (messages[index]!.role === messages[index - 1]!.role) return invalidRequest(`gateway shape: messages.${index}: roles must alternate`);
  }
  return undefined;
}

function validateSystem(system: unknown): AnthropicRejection | undefined {
  if (system === undefined || typeof system === 'string') return undefined;
  if (!Array.isArray(system)) return invalidRequest('system: Input should be a valid string');
  for (const [index, block] of system.entries()) {
    if (!isPlainObject(block) || block.type !== 'text') {
      return invalidRequest(`system.${index}: Input tag '${block?.type}' found using 'type' does not match any of the expected tags: 'text'`);
    }
    if (typeof block.text !== 'string' || block.text.length === 0) return invalidRequest('system: text content blocks must be non-empty');
    if (block.text.trim().length === 0) return invalidRequest('system: text content blocks must contain non-whitespace text');
  }
  return undefined;
}

function validateTools(tools: unknown): AnthropicRejection | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return invalidRequest('tools: Input should be a valid list');
  const names = new Set<string>();
  for (const [index, tool] of tools.entries()) {
    if (!isPlainObject(tool)) return invalidRequest(`tools.${index}: Input should be a valid dictionary`);
    const rejection = tool.type === undefined || tool.type === 'custom' ? validateCustomTool(tool, index) : validateServerTool(tool, index);
    if (rejection) return rejection;
    if (names.has(tool.name)) return invalidRequest('tools: Tool names must be unique.');
    names.add(tool.name);
  }
  return undefined;
}

function validateCustomTool(tool: Record<string, any>, index: number): AnthropicRejection | undefined {
  const path = `tools.${index}.custom`;
  for (const key of Object.keys(tool)) {
    if (!customToolKeys.includes(key)) return invalidRequest(`${path}.${key}: Extra inputs are not permitted`);
  }
  if (tool.name === undefined) return invalidRequest(`${path}.name: Field required`);
  if (typeof tool.name !== 'string' || !toolNamePattern.test(tool.name)) {
    return invalidRequest(`${path}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
  }
  if (tool.input_schema === undefined) return invalidRequest(`${path}.input_schema: Field required`);
  if (!isPlainObject(tool.input_schema)) return invalidRequest(`${path}.input_schema: Input should be a valid dictionary`);
  if (tool.input_schema.type !== 'object') return invalidRequest(`${path}.input_schema.type: Input should be 'object'`);
  return undefined;
}

function validateServerTool(tool: Record<string, any>, index: number): AnthropicRejection | undefined {
  if (!serverToolTypes.includes(tool.type)) {
    const expected = ['custom', ...serverToolTypes].map((value) => `'${value}'`).join(', ');
    return invalidRequest(`tools.${index}: Input tag '${tool.type}' found using 'type' does not match any of the expected tags: ${expected}`);
  }
  if (tool.name === undefined) return invalidRequest(`tools.${index}.${tool.type}.name: Field required`);
  if (tool.type.startsWith('web_search_') && tool.name !== 'web_search') {
    return invalidRequest(`tools.${index}.${tool.type}.name: Input should be 'web_search'`);
  }
  return undefined;
}

function validateToolChoice(toolChoice: unknown, tools: unknown): AnthropicRejection | undefined {
  if (toolChoice === undefined) return undefined;
  if (!isPlainObject(toolChoice)) return invalidRequest('tool_choice: Input should be a valid dictionary or object to extract fields from');
  if (!['auto', 'any', 'tool', 'none'].includes(toolChoice.type)) {
    return invalidRequest(
      `tool_choice: Input tag '${toolChoice.type}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`,
    );
  }
  if (toolChoice.type === 'tool' && typeof toolChoice.name !== 'string') return invalidRequest('tool_choice.tool.name: Field required');
  const declared = Array.isArray(tools) ? tools.filter(isPlainObject).map((tool) => tool.name) : [];
  if (declared.length === 0) return invalidRequest('tool_choice may only be specified while providing tools.');
  // Not a recorded message: the live API's wording for an undeclared forced tool is unknown.
  if (toolChoice.type === 'tool' && !declared.includes(toolChoice.name))
    return invalidRequest(`tool_choice: tool \`${toolChoice.name}\` is not among the provided tools`);
  return undefined;
}

function validateThinking(body: Record<string, any>, mode: ThinkingMode, endpoint: AnthropicValidationContext['endpoint']) {
  const thinking = body.thinking;
  if (thinking === undefined) return undefined;
  if (!isPlainObject(thinking)) return invalidRequest('thinking: Input should be a valid dictionary or object to extract fields from');
  if (!['enabled', 'adaptive', 'disabled'].includes(thinking.type)) {
    return invalidRequest(
      `thinking: Input tag '${thinking.type}' found using 'type' does not match any of the expected tags: 'adaptive', 'disabled', 'enabled'`,
    );
  }
  if (thinking.display !== undefined && !['summarized', 'omitted'].includes(thinking.display)) {
    return invalidRequest(`thinking.${thinking.type}.display: Input should be 'summarized' or 'omitted'`);
  }
  if (thinking.type === 'enabled') {
    if (thinking.budget_tokens === undefined) return invalidRequest('thinking.enabled.budget_tokens: Field required');
    if (!Number.isInteger(thinking.budget_tokens)) return invalidRequest('thinking.enabled.budget_tokens: Input should be a valid integer');
    if (thinking.budget_tokens < 1024) return invalidRequest('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (endpoint === 'messages' && body.max_tokens <= thinking.budget_tokens) {
      return invalidRequest(`\`max_tokens\` must be greater than \`thinking.budget_tokens\`. ${docs}#max-tokens-and-context-window-size`);
    }
  }
  if (mode === 'disabled') return undefined;
  if (body.temperature !== undefined && body.temperature !== 1) {
    return invalidRequest(`\`temperature\` may only be set to 1 when thinking is enabled. ${docs}#feature-compatibility`);
  }
  if (body.top_k !== undefined) return invalidRequest(`\`top_k\` must be unset when thinking is enabled. ${docs}#feature-compatibility`);
  if (body.top_p !== undefined && body.top_p < 0.95) {
    return invalidRequest(`\`top_p\` must be greater than or equal to 0.95 or unset when thinking is enabled. ${docs}#feature-compatibility`);
  }
  if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') {
    return invalidRequest('Thinking may not be enabled when tool_choice forces tool use.');
  }
  return undefined;
}

function validateSampling(body: Record<string, any>): AnthropicRejection | undefined {
  for (const key of ['temperature', 'top_p'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'number') return invalidRequest(`${key}: Input should be a valid number`);
    if (value < 0) return invalidRequest(`${key}: Input should be greater than or equal to 0`);
    if (value > 1) return invalidRequest(`${key}: Input should be less than or equal to 1`);
  }
  if (body.top_k !== undefined && (!Number.isInteger(body.top_k) || body.top_k < 0)) {
    return invalidRequest('top_k: Input should be greater than or equal to 0');
  }
  if (body.stop_sequences !== undefined && !(Array.isArray(body.stop_sequences) && body.stop_sequences.every((entry: unknown) => typeof entry === 'string'))) {
    return invalidRequest('stop_sequences: Input should be a valid list');
  }
  if (body.metadata !== undefined) {
    if (!isPlainObject(body.metadata)) return invalidRequest('metadata: Input should be a valid dictionary');
    for (const key of Object.keys(body.metadata)) {
      if (key !== 'user_id') return invalidRequest(`metadata.${key}: Extra inputs are not permitted`);
    }
  }
  return undefined;
}
