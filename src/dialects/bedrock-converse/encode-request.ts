import type { ExchangeContext } from '../../core/dialect.ts';
import type { ContentBlock, Message, ReasoningEffort } from '../../core/ir/index.ts';
import { checkForeignFields } from '../shared/foreign-fields.ts';
import { encodeContent, type ContentEncoding } from './encode-content.ts';
import { encodeToolConfig } from './encode-tools.ts';
import { isClaudeModel } from './model-family.ts';
import { isRecord, type ConverseContentBlock, type ConverseMessage, type ConverseRequest, type ConverseSystemBlock } from './wire.ts';

/** Claude's thinking budgets per effort, as the Anthropic dialect sends them; 1024 is the floor. */
const budgetByEffort: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24_576,
  xhigh: 32_768,
  max: 32_768,
};
const defaultMaxTokens = 8192;
const answerRoom = 8192;

type Side = 'user' | 'assistant';

function sideOf(block: ContentBlock, message: Message): Side {
  if (block.type === 'tool-call' || block.type === 'reasoning') return 'assistant';
  if (block.type === 'tool-result') return 'user';
  return message.role === 'assistant' ? 'assistant' : 'user';
}

/** Fields this encoder writes; a Converse client's own copies of the others go back unchanged. */
const derivedFields = new Set(['messages', 'system', 'inferenceConfig', 'toolConfig', 'additionalModelRequestFields']);

/**
 * IR → Converse request body (the model is in the URL). Turns alternate and start with the
 * user (consecutive same-side blocks merge; a conversation that opens with the assistant gets
 * a user turn first); tool results lead their user turn. Claude's thinking goes in
 * `additionalModelRequestFields.thinking`; other models' reasoning settings are not sent.
 */
export function encodeRequest(context: ExchangeContext): ConverseRequest {
  const { request, target, warnings } = context;
  checkForeignFields(request, 'bedrock-converse', warnings);
  const claude = target.family === 'anthropic' || isClaudeModel(target.model);
  const cachePoints = target.promptCaching !== false;
  const encoding: ContentEncoding = { warnings, toolNames: context.toolNames, claude, cachePoints, documents: 0 };
  const system: ConverseSystemBlock[] = [];
  const messages: ConverseMessage[] = [];
  const append = (side: Side, blocks: ConverseContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === side) {
      // Tool results go first in a user turn.
      const results = blocks.filter((block) => 'toolResult' in block);
      const rest = blocks.filter((block) => !('toolResult' in block));
      if (side === 'user' && results.length > 0) {
        const firstOther = last.content.findIndex((block) => !('toolResult' in block));
        last.content.splice(firstOther === -1 ? last.content.length : firstOther, 0, ...results);
        last.content.push(...rest);
      } else last.content.push(...blocks);
    } else messages.push({ role: side, content: [...blocks] });
  };
  const hoist = (block: ContentBlock) => {
    if (block.type === 'text' && block.text.trim() !== '') {
      system.push({ text: block.text });
      if (block.cacheControl !== undefined && cachePoints) system.push({ cachePoint: { type: 'default' } });
    } else if (block.type !== 'text') warnings.add('content_dropped', `A ${block.type} block cannot go into the Bedrock system prompt; dropped.`);
  };
  for (const block of request.system) hoist(block);
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      if (messages.length === 0) {
        for (const block of message.content) hoist(block);
        continue;
      }
      warnings.add('system_message_moved', `A ${message.role} message inside the conversation was sent as user text at its position.`);
      for (const block of message.content) if (block.type === 'text' && block.text.trim() !== '') append('user', [{ text: block.text }]);
      continue;
    }
    for (const block of message.content) append(sideOf(block, message), encodeContent(block, encoding));
  }
  if (messages[0]?.role !== 'user') {
    warnings.add('turn_inserted', 'Bedrock Converse conversations must start with a user turn; one saying "(continue)" was added.');
    messages.unshift({ role: 'user', content: [{ text: '(continue)' }] });
  }

  const body: ConverseRequest = { messages };
  if (system.length > 0) body.system = system;

  const additional: Record<string, unknown> = {};
  const inference: NonNullable<ConverseRequest['inferenceConfig']> = {};
  let maxTokens = request.maxOutputTokens ?? target.maxOutputTokens;
  let thinking = claude ? thinkingBudget(context) : undefined;
  if (thinking !== undefined && continuesLoopWithoutReasoning(messages)) {
    // Claude refuses thinking when the turn whose calls are answered does not open with its reasoning (calls made by another model, or reasoning dropped).
    warnings.add('thinking_disabled', 'The tool calls being answered were made without Claude reasoning before them; thinking is off for this turn.');
    thinking = undefined;
  }
  if (!claude && (request.reasoning?.effort !== undefined || request.reasoning?.budgetTokens !== undefined) && request.reasoning.effort !== 'none') {
    warnings.add('field_dropped', `Reasoning settings are only translated for Claude on Bedrock Converse; ${target.model} reasons as it is configured.`);
  }
  if (thinking !== undefined) {
    let budget = thinking;
    if (maxTokens === undefined) maxTokens = Math.max(defaultMaxTokens, budget + answerRoom);
    if (budget >= maxTokens) {
      budget = maxTokens - 1;
      warnings.add('thinking_budget_reduced', `Thinking budget reduced to ${budget} to stay below maxTokens ${maxTokens}.`);
    }
    if (budget >= 1024) {
      additional.thinking = { type: 'enabled', budget_tokens: budget };
    } else warnings.add('thinking_disabled', `maxTokens ${maxTokens} leaves no room for the 1024-token minimum thinking budget.`);
  }
  const thinkingOn = additional.thinking !== undefined;
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (request.temperature !== undefined) {
    if (thinkingOn) warnings.add('field_dropped', 'temperature cannot be set with thinking on; dropped.');
    else inference.temperature = request.temperature;
  }
  if (request.topP !== undefined) {
    if (thinkingOn) warnings.add('field_dropped', 'top_p cannot be set with thinking on; dropped.');
    else inference.topP = request.topP;
  }
  if (request.stopSequences && request.stopSequences.length > 0) inference.stopSequences = request.stopSequences.slice(0, 4);
  if (request.topK !== undefined) {
    if (claude) additional.top_k = request.topK;
    else warnings.add('field_dropped', 'top_k is not a Converse inference setting; dropped.');
  }
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  const historyToolNames = messages.flatMap((message) => message.content.flatMap((block) => ('toolUse' in block ? [block.toolUse.name] : [])));
  const toolConfig = encodeToolConfig(context, historyToolNames, thinkingOn, cachePoints && claude);
  if (toolConfig) body.toolConfig = toolConfig;
  if (request.responseFormat && request.responseFormat.type !== 'text') {
    warnings.add('field_dropped', `Bedrock Converse has no structured output setting; response_format ${request.responseFormat.type} dropped.`);
  }
  if (request.metadata && Object.keys(request.metadata).length > 0) warnings.add('field_dropped', 'Caller metadata is not sent to Bedrock Converse.');

  // A Converse client's own fields come back unchanged; its additional fields merge under ours.
  const extension = request.extensions['bedrock-converse'] ?? {};
  if (isRecord(extension.additionalModelRequestFields)) Object.assign(additional, { ...extension.additionalModelRequestFields, ...additional });
  for (const [key, value] of Object.entries(extension)) if (!derivedFields.has(key) && !(key in body)) body[key] = value;
  if (Object.keys(additional).length > 0) body.additionalModelRequestFields = additional;
  return body;
}

/** Whether the request answers tool calls of an assistant turn that does not start with reasoning. */
function continuesLoopWithoutReasoning(messages: ConverseMessage[]): boolean {
  const last = messages.at(-1);
  const assistant = messages.at(-2);
  if (last?.role !== 'user' || !last.content.some((block) => 'toolResult' in block) || assistant?.role !== 'assistant') return false;
  const first = assistant.content[0];
  return first === undefined || !('reasoningContent' in first);
}

/** Claude's thinking budget for this request, or undefined when it does not think. */
function thinkingBudget(context: ExchangeContext): number | undefined {
  const { request, target } = context;
  if (target.supportsReasoning === false || request.reasoning?.disabled) return undefined;
  const effort = request.reasoning?.effort ?? target.defaultReasoningEffort;
  if (effort === 'none') return undefined;
  if (request.reasoning?.budgetTokens !== undefined) return Math.max(1024, request.reasoning.budgetTokens);
  return effort === undefined ? undefined : budgetByEffort[effort];
}
