import type { ExchangeContext } from '../../core/dialect.ts';
import type { ModelRequest, ReasoningEffort } from '../../core/ir/index.ts';
import { encodeMessages } from './encode-messages.ts';
import { encodeTools } from './encode-tools.ts';
import { isRecord, type ChatRequest, type ChatResponseFormat } from './wire.ts';
import { checkForeignFields } from '../shared/foreign-fields.ts';

/**
 * The IR into a `POST {base}/chat/completions` body, for OpenAI and the compatible servers
 * (the Codex-on-vLLM/Ollama path). Never mutates the IR (safe on retry and fallback). Fields a
 * Chat client sent that the IR does not model come back first; IR fields override them.
 *
 * Target quirks read here and in the files it calls: `developer_role`, `images`, `files`,
 * `custom_tools`, `reasoning_effort`, `reasoning_content_replay`, `tool_call_id_length`,
 * `system_message_first_only`.
 */
export function encodeRequest(context: ExchangeContext): ChatRequest {
  const { request, target, warnings } = context;
  checkForeignFields(context.request, 'openai-chat', context.warnings);
  const extension = request.extensions['openai-chat'] ?? {};
  const conversation = encodeMessages(context);
  const body: ChatRequest = { ...extension, model: target.model, messages: conversation.messages };

  const tools = encodeTools(context, conversation.extraTools);
  if (tools.tools) body.tools = tools.tools;
  if (tools.tool_choice !== undefined) body.tool_choice = tools.tool_choice;
  if (tools.parallel_tool_calls !== undefined) body.parallel_tool_calls = tools.parallel_tool_calls;

  if (request.maxOutputTokens !== undefined) {
    // OpenAI's reasoning models reject `max_tokens`; many compatible servers only know it.
    if (target.family === 'openai') body.max_completion_tokens = request.maxOutputTokens;
    else body.max_tokens = request.maxOutputTokens;
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) warnings.add('field_dropped', 'Chat Completions has no top_k; it was dropped.');
  if (request.stopSequences && request.stopSequences.length > 0) body.stop = encodeStop(request.stopSequences, context);

  const responseFormat = encodeResponseFormat(request);
  if (responseFormat) body.response_format = responseFormat;
  // `safety_identifier` stays as a Chat client sent it; `user` is only written when it says more.
  if (request.user !== undefined && request.user !== extension.safety_identifier) body.user = request.user;
  if (target.family === 'openai') {
    // Stored-completion metadata and cache keys are OpenAI's own; compatible servers may 400 on them.
    if (request.metadata !== undefined && extension.metadata === undefined) body.metadata = request.metadata;
    if (request.promptCacheKey !== undefined) body.prompt_cache_key = request.promptCacheKey;
  }

  const effort = encodeReasoningEffort(context);
  if (effort !== undefined) body.reasoning_effort = effort;

  body.stream = request.stream;
  if (request.stream) {
    // Usage only comes (in a last `choices: []` chunk) when asked for (§11).
    body.stream_options = { ...(isRecord(extension.stream_options) ? extension.stream_options : {}), include_usage: true };
  } else {
    delete body.stream_options;
  }
  return body;
}

/** OpenAI takes at most four stop sequences. */
function encodeStop(stop: string[], context: ExchangeContext): string[] {
  if (context.target.family !== 'openai' || stop.length <= 4) return stop;
  context.warnings.add('field_truncated', `OpenAI takes at most 4 stop sequences; ${stop.length - 4} were dropped.`);
  return stop.slice(0, 4);
}

function encodeResponseFormat(request: ModelRequest): ChatResponseFormat | undefined {
  const format = request.responseFormat;
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const jsonSchema: Extract<ChatResponseFormat, { type: 'json_schema' }>['json_schema'] = { name: format.name ?? 'response', schema: format.schema };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  return { type: 'json_schema', json_schema: jsonSchema };
}

/**
 * `reasoning_effort` only where the provider says the model takes it (`reasoning_effort: true`
 * quirk): most compatible servers reject or ignore it. A thinking budget maps to a level on
 * the budget boundaries (up to 2048 low, up to 8192 medium, above high).
 */
function encodeReasoningEffort(context: ExchangeContext): ReasoningEffort | undefined {
  const { request, target } = context;
  const reasoning = request.reasoning;
  if (target.supportsReasoning === false || reasoning?.disabled) return undefined;
  let effort = reasoning?.effort;
  if (effort === undefined && reasoning?.budgetTokens !== undefined)
    effort = reasoning.budgetTokens <= 2048 ? 'low' : reasoning.budgetTokens <= 8192 ? 'medium' : 'high';
  effort ??= target.defaultReasoningEffort;
  if (effort === undefined) return undefined;
  if (target.quirks?.reasoning_effort !== true) {
    if (reasoning?.effort !== undefined || reasoning?.budgetTokens !== undefined) {
      context.warnings.add('field_dropped', `${target.model} takes no reasoning_effort (no \`reasoning_effort\` quirk); the reasoning setting was dropped.`);
    }
    return undefined;
  }
  return effort;
}
