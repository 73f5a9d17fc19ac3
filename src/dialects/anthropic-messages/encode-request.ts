import type { ExchangeContext } from '../../core/dialect.ts';
import { addCacheBreakpoints } from './add-cache-breakpoints.ts';
import { encodeMessages, encodeTurns } from './encode-messages.ts';
import { encodeOutputSettings } from './encode-output-settings.ts';
import { encodeTools } from './encode-tools.ts';
import { repairTurnBoundaries } from './repair-turns.ts';
import type { AnthropicMessagesRequest } from './wire.ts';
import { checkForeignFields } from '../shared/foreign-fields.ts';

/** Fields this encoder derives itself; an Anthropic client's own copies are merged, not copied. */
const derivedExtensionKeys = new Set(['thinking', 'output_config']);

/**
 * IR → Anthropic Messages request body. Never mutates the IR (safe to call again on retry or
 * fallback); every loss is recorded in `context.warnings`.
 */
export function encodeRequest(context: ExchangeContext): AnthropicMessagesRequest {
  const { request, target, warnings } = context;
  checkForeignFields(context.request, 'anthropic-messages', context.warnings);
  const conversation = encodeMessages(context);
  const settings = encodeOutputSettings(context, conversation.loopWithoutThinking);
  repairTurnBoundaries(conversation.turns, settings.thinkingOn, warnings);
  const tools = encodeTools(context, {
    extraTools: conversation.extraTools,
    historyToolNames: conversation.historyToolNames,
    historyHasToolBlocks: conversation.historyHasToolBlocks,
    thinkingOn: settings.thinkingOn,
  });

  const body: AnthropicMessagesRequest = { model: target.model, max_tokens: settings.max_tokens, messages: encodeTurns(conversation.turns) };
  if (conversation.system.length > 0) body.system = conversation.system;
  if (tools.tools) body.tools = tools.tools;
  if (tools.tool_choice) body.tool_choice = tools.tool_choice;
  if (settings.thinking) body.thinking = settings.thinking;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.top_p !== undefined) body.top_p = settings.top_p;
  if (settings.top_k !== undefined) body.top_k = settings.top_k;
  if (request.stopSequences && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences;

  const userId = request.user ?? (typeof request.metadata?.user_id === 'string' ? request.metadata.user_id : undefined);
  if (userId !== undefined) body.metadata = { user_id: userId };
  const otherMetadata = Object.keys(request.metadata ?? {}).filter((key) => key !== 'user_id');
  if (otherMetadata.length > 0) warnings.add('field_dropped', `Anthropic metadata only takes user_id; ${otherMetadata.join(', ')} dropped.`);

  const extension = request.extensions['anthropic-messages'] ?? {};
  const outputConfig: Record<string, unknown> = { ...(extension.output_config as Record<string, unknown> | undefined), ...settings.output_config };
  if (request.responseFormat?.type === 'json_schema') {
    outputConfig.format = { type: 'json_schema', schema: request.responseFormat.schema };
  } else if (request.responseFormat?.type === 'json_object') {
    warnings.add('field_dropped', 'Anthropic has no schema-less JSON mode; response_format json_object dropped.');
  }
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;

  // Fields an Anthropic client sent that the IR does not model go back unchanged.
  for (const [key, value] of Object.entries(extension)) {
    if (!derivedExtensionKeys.has(key) && !(key in body)) body[key] = value;
  }
  if (!settings.thinkingOn) dropThinkingEdits(body, warnings);
  body.stream = request.stream;
  if (target.promptCaching !== false) addCacheBreakpoints(body);
  return body;
}

/** `clear_thinking_*` context edits require thinking; drop them when thinking is off. */
function dropThinkingEdits(body: AnthropicMessagesRequest, warnings: ExchangeContext['warnings']): void {
  const management = body.context_management as { edits?: Array<{ type?: unknown }> } | undefined;
  if (!Array.isArray(management?.edits)) return;
  const edits = management.edits.filter((edit) => !String(edit.type).startsWith('clear_thinking'));
  if (edits.length === management.edits.length) return;
  warnings.add('field_dropped', 'context_management clear_thinking edits need thinking, which is off; dropped.');
  if (edits.length === 0 && Object.keys(management).length === 1) delete body.context_management;
  else body.context_management = { ...management, edits };
}
